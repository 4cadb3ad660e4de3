namespace Apiary.Sensor.Config;

/// <summary>A trusted input (sensor configuration or personality file) is wrong: the message names file:line and the token.</summary>
public sealed class ConfigException : Exception
{
    public ConfigException(string message) : base(message) { }

    public ConfigException(string message, Exception inner) : base(message, inner) { }

    public ConfigException() { }
}
