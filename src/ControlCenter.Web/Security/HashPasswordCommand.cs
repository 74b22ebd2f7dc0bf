using ControlCenter.Access.Users;

namespace ControlCenter.Web.Security;

/// <summary>
/// `dotnet run --project src/ControlCenter.Web -- hash-password`: makes the Auth:Users:&lt;name&gt;:PasswordHash
/// value for a password. Typed at a terminal, the password is asked twice and not echoed;
/// piped in (`echo … | … hash-password`), the first line is the password. Only the hash is printed.
/// </summary>
public static class HashPasswordCommand
{
    public const string Name = "hash-password";

    public static int Run(TextReader input, TextWriter output, TextWriter error, bool interactive)
    {
        string? password = interactive ? AskTwice(error) : input.ReadLine();
        if (string.IsNullOrEmpty(password))
        {
            error.WriteLine(password is null && interactive ? "The two passwords differ; nothing was made." : "No password given; nothing was made.");
            return 1;
        }
        output.WriteLine(PasswordHashing.Hash(password));
        return 0;
    }

    private static string? AskTwice(TextWriter prompt)
    {
        string first = ReadHidden(prompt, "Password: ");
        if (first.Length == 0) return "";
        return ReadHidden(prompt, "Again: ") == first ? first : null;
    }

    private static string ReadHidden(TextWriter prompt, string label)
    {
        prompt.Write(label);
        var typed = new System.Text.StringBuilder();
        while (Console.ReadKey(intercept: true) is var key && key.Key != ConsoleKey.Enter)
        {
            if (key.Key == ConsoleKey.Backspace) { if (typed.Length > 0) typed.Length--; }
            else if (!char.IsControl(key.KeyChar)) typed.Append(key.KeyChar);
        }
        prompt.WriteLine();
        return typed.ToString();
    }
}
