namespace ControlCenter.Broker.Protocol;

/// <summary>
/// Authorized-operation bitfields (KIP-430) as a broker without an authorizer reports them: every
/// operation that applies to the resource type is allowed. Bits are Kafka's AclOperation codes.
/// </summary>
internal static class AuthorizedOperations
{
    private const int Read = 3, Write = 4, Create = 5, Delete = 6, Alter = 7, Describe = 8, ClusterAction = 9,
        DescribeConfigs = 10, AlterConfigs = 11, IdempotentWrite = 12;

    /// <summary>Not asked for: Kafka's "unknown" value, INT32 minimum.</summary>
    public const int NotRequested = int.MinValue;

    public const int Cluster = 1 << Create | 1 << Alter | 1 << Describe | 1 << ClusterAction | 1 << DescribeConfigs | 1 << AlterConfigs | 1 << IdempotentWrite;

    /// <summary>A group: read (join, commit), delete and describe.</summary>
    public const int Group = 1 << Read | 1 << Delete | 1 << Describe;

    public const int Topic = 1 << Read | 1 << Write | 1 << Create | 1 << Delete | 1 << Alter | 1 << Describe | 1 << DescribeConfigs | 1 << AlterConfigs;
}
