using System;

namespace LoadTest.Engine.Checks;

/// <summary>
/// An expected value as written: literal text, or a template whose variables ("#{name}") a context fills
/// per response. Only a template pays for resolution.
/// </summary>
internal sealed class CheckText
{
    public const string VariableStart = "#{";

    public CheckText(string text)
    {
        Text = text;
        IsTemplate = text.Contains(VariableStart, StringComparison.Ordinal);
        Utf8 = IsTemplate ? Array.Empty<byte>() : System.Text.Encoding.UTF8.GetBytes(text);
    }

    /// <summary>The literal text as UTF-8, to compare with a body's bytes without transcoding; empty for a template.</summary>
    public byte[] Utf8 { get; }

    /// <summary>The text as written.</summary>
    public string Text { get; }

    /// <summary>True when the text holds a variable.</summary>
    public bool IsTemplate { get; }

    public string Resolve(ICheckContext context) => IsTemplate ? context.Resolve(Text) : Text;

    public override string ToString() => Text;
}
