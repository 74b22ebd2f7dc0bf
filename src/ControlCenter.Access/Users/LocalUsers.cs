namespace ControlCenter.Access.Users;

/// <summary>The users of Auth:Users, checked by name and password (Local mode, and the REST proxy's HTTP Basic).</summary>
public sealed class LocalUsers(AccessOptions options)
{
    // A hash to verify against for unknown names, so a wrong name costs the same time as a wrong password.
    private static readonly string Decoy = PasswordHashing.Hash(Guid.NewGuid().ToString());

    /// <summary>The user's roles when <paramref name="password"/> is theirs; null for an unknown user or a wrong password alike.</summary>
    public IReadOnlyList<string>? SignIn(string name, string password)
    {
        if (!options.Users.TryGetValue(name, out var user) || string.IsNullOrEmpty(user.PasswordHash))
        {
            PasswordHashing.Verify(Decoy, password);
            return null;
        }
        return PasswordHashing.Verify(user.PasswordHash, password) ? user.Roles : null;
    }
}
