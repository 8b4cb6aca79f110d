using System.Text;
using System.Text.RegularExpressions;

namespace Pipeline.Tests.CiRehearsal;

/// <summary>
/// The part of GitHub's expression language the generated workflow uses, evaluated as a runner does: string and
/// boolean literals, context paths (github.*, steps.*, vars.*, secrets.*), ==, !=, !, &&, ||, parentheses, and
/// always()/success()/failure()/cancelled()/hashFiles(). Strings compare case-insensitively, as GitHub's do.
/// Anything else fails the rehearsal, so a construct the runner was never shown to understand cannot pass.
/// </summary>
public sealed partial class WorkflowExpression(Func<string, object?> context, Func<string, object?> function)
{
    private string _text = "";
    private int _at;

    public object? Evaluate(string expression)
    {
        _text = expression.Trim();
        if (_text.StartsWith("${{") && _text.EndsWith("}}")) _text = _text[3..^2].Trim();
        _at = 0;
        var value = Or();
        Skip();
        if (_at != _text.Length) throw new InvalidOperationException($"the rehearsal cannot read '{expression}' past position {_at}");
        return value;
    }

    public bool IsTrue(string expression) => Truthy(Evaluate(expression));

    /// <summary>Replaces every ${{ … }} in a value (env, with:, run:) by its string value.</summary>
    public string Interpolate(string text) =>
        Embedded().Replace(text, m => Stringify(new WorkflowExpression(context, function).Evaluate(m.Groups[1].Value)));

    public static bool Truthy(object? value) => value switch
    {
        null => false,
        bool b => b,
        string s => s.Length > 0,
        _ => true,
    };

    public static string Stringify(object? value) => value switch
    {
        null => "",
        bool b => b ? "true" : "false",
        _ => value.ToString() ?? "",
    };

    private object? Or()
    {
        var left = And();
        while (Take("||")) { var right = And(); left = Truthy(left) ? left : right; }
        return left;
    }

    private object? And()
    {
        var left = Comparison();
        while (Take("&&")) { var right = Comparison(); left = Truthy(left) ? right : left; }
        return left;
    }

    private object? Comparison()
    {
        var left = Unary();
        if (Take("==")) return Equal(left, Unary());
        if (Take("!=")) return !Equal(left, Unary());
        return left;
    }

    private object? Unary() => Take("!") ? !Truthy(Unary()) : Primary();

    private object? Primary()
    {
        Skip();
        if (Take("("))
        {
            var inner = Or();
            Expect(")");
            return inner;
        }
        if (Peek() == '\'') return StringLiteral();
        var name = Identifier().Match(_text, _at);
        if (!name.Success || name.Index != _at) throw new InvalidOperationException($"the rehearsal cannot read '{_text}' at position {_at}");
        _at += name.Length;
        var word = name.Value;
        if (word == "true") return true;
        if (word == "false") return false;
        if (word == "null") return null;
        if (Take("("))
        {
            var arguments = new List<object?>();
            while (!Take(")"))
            {
                arguments.Add(Or());
                Take(",");
            }
            return function(word + "(" + string.Join("\u001f", arguments.Select(Stringify)) + ")");
        }
        return context(word);
    }

    private string StringLiteral()
    {
        var text = new StringBuilder();
        _at++;
        while (true)
        {
            if (_at >= _text.Length) throw new InvalidOperationException($"unterminated string in '{_text}'");
            if (_text[_at] == '\'')
            {
                if (_at + 1 < _text.Length && _text[_at + 1] == '\'') { text.Append('\''); _at += 2; continue; }
                _at++;
                return text.ToString();
            }
            text.Append(_text[_at++]);
        }
    }

    private static bool Equal(object? a, object? b) =>
        a is string || b is string
            ? string.Equals(Stringify(a), Stringify(b), StringComparison.OrdinalIgnoreCase)
            : Equals(a, b);

    private bool Take(string token)
    {
        Skip();
        if (string.CompareOrdinal(_text, _at, token, 0, token.Length) != 0) return false;
        _at += token.Length;
        return true;
    }

    private void Expect(string token)
    {
        if (!Take(token)) throw new InvalidOperationException($"expected '{token}' in '{_text}' at position {_at}");
    }

    private char Peek()
    {
        Skip();
        return _at < _text.Length ? _text[_at] : '\0';
    }

    private void Skip()
    {
        while (_at < _text.Length && char.IsWhiteSpace(_text[_at])) _at++;
    }

    [GeneratedRegex(@"[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z_][A-Za-z0-9_-]*)*")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"\$\{\{(.*?)\}\}")]
    private static partial Regex Embedded();
}
