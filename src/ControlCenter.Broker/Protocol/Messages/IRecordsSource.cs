namespace ControlCenter.Broker.Protocol.Messages;

/// <summary>
/// Record batches that <see cref="MessageWriter"/> copies straight into a response, for records
/// that live outside memory (a slice of a segment file): one copy, from the file into the
/// response buffer, instead of two.
/// </summary>
public interface IRecordsSource
{
    int Length { get; }
    void CopyTo(Span<byte> destination);
}
