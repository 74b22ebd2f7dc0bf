namespace ControlCenter.Testing;

/// <summary>Locates the repository and sibling projects' build outputs from a test's bin folder.</summary>
public static class RepoPaths
{
    /// <summary>The repository root: the nearest folder up from the running assembly holding ControlCenter.sln.</summary>
    public static string Root
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ControlCenter.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("Cannot find ControlCenter.sln above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>The build configuration the tests were built with (Debug or Release).</summary>
    public static string Configuration => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    /// <summary>bin/&lt;Configuration&gt;/&lt;tfm&gt; of another project, matching the caller's configuration.</summary>
    public static string BuildOutput(string projectDir, string file)
    {
        var binDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string tfm = binDir.Name, configuration = binDir.Parent!.Name;
        return Path.Combine(Root, projectDir, "bin", configuration, tfm, file);
    }
}
