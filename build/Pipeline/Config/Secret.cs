namespace Pipeline.Config;

/// <summary>
/// A secret value. It never prints itself, and every value made into a Secret is registered with the
/// redactor, so it is masked even when it leaks into a log line some other way (an error body, a command).
/// </summary>
public sealed class Secret
{
    private readonly string _value;

    public Secret(string value)
    {
        _value = value;
        Redactor.Register(value);
    }

    public string Reveal() => _value;

    public override string ToString() => Redactor.Mask;
}
