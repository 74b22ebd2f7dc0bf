using Microsoft.AspNetCore.Identity;

namespace ControlCenter.Access.Users;

/// <summary>
/// Passwords as ASP.NET Core's password hasher stores them (PBKDF2 with a per-password salt;
/// the hash names its own format, so stronger future formats still verify older hashes).
/// The user name is not part of the hash: renaming a user in configuration keeps the password.
/// </summary>
public static class PasswordHashing
{
    private static readonly PasswordHasher<string> Hasher = new();

    public static string Hash(string password) => Hasher.HashPassword("", password);

    /// <summary>True when <paramref name="password"/> is the one <paramref name="hash"/> was made from; false for a malformed hash too.</summary>
    public static bool Verify(string hash, string password)
    {
        try { return Hasher.VerifyHashedPassword("", hash, password) != PasswordVerificationResult.Failed; }
        catch (FormatException) { return false; }
    }
}
