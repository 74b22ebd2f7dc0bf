namespace ControlCenter.Kafka.Demo;

/// <summary>Demo traffic (configuration section "Demo").</summary>
public sealed class DemoOptions
{
    public const string SectionName = "Demo";

    /// <summary>On, off, or unset: then on exactly when the app runs its embedded broker.</summary>
    public bool? Enabled { get; set; }

    /// <summary>Records per second produced to demo.orders on average (the other topics follow in proportion).</summary>
    public double OrdersPerSecond { get; set; } = 20;
}
