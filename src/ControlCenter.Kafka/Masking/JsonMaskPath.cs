using System.Text.Json.Nodes;

namespace ControlCenter.Kafka.Masking;

/// <summary>
/// A JSON path of a masking rule, parsed once: names, `*` (every field), `[*]` (every item),
/// `[3]` (one item) and `..name` (that field at any depth). Applied to a parsed document, it
/// masks, removes or hashes each node it reaches.
/// </summary>
public sealed class JsonMaskPath
{
    private abstract record Step;
    private sealed record Field(string Name) : Step;
    private sealed record AnyField : Step;
    private sealed record AnyItem : Step;
    private sealed record Item(int Index) : Step;
    private sealed record Deep(string Name) : Step;

    private readonly List<Step> _steps;

    private JsonMaskPath(List<Step> steps) => _steps = steps;

    public static JsonMaskPath? Parse(string path, out string? problem)
    {
        problem = null;
        string text = path.Trim();
        if (text.StartsWith('$')) text = text[1..];
        var steps = new List<Step>();
        int i = 0;
        while (i < text.Length)
        {
            if (text[i] == '.' && i + 1 < text.Length && text[i + 1] == '.')
            {
                int start = i += 2;
                while (i < text.Length && text[i] is not ('.' or '[')) i++;
                if (i == start) { problem = $"'{path}': '..' needs a field name."; return null; }
                steps.Add(new Deep(text[start..i]));
            }
            else if (text[i] == '.') i++;
            else if (text[i] == '[')
            {
                int close = text.IndexOf(']', i);
                if (close < 0) { problem = $"'{path}': '[' without ']'."; return null; }
                string inside = text[(i + 1)..close];
                if (inside == "*") steps.Add(new AnyItem());
                else if (int.TryParse(inside, out int index) && index >= 0) steps.Add(new Item(index));
                else { problem = $"'{path}': [{inside}] is not [*] or an index."; return null; }
                i = close + 1;
            }
            else
            {
                int start = i;
                while (i < text.Length && text[i] is not ('.' or '[')) i++;
                string name = text[start..i];
                steps.Add(name == "*" ? new AnyField() : new Field(name));
            }
        }
        if (steps.Count == 0) { problem = $"'{path}' names no field."; return null; }
        return new JsonMaskPath(steps);
    }

    /// <summary>Applies the action to every node the path reaches in <paramref name="root"/>.</summary>
    public void Apply(JsonNode? root, Func<JsonNode?, JsonNode?> replace, bool remove) => Walk(root, 0, replace, remove);

    private void Walk(JsonNode? node, int at, Func<JsonNode?, JsonNode?> replace, bool remove)
    {
        if (node is null || at >= _steps.Count) return;
        bool last = at == _steps.Count - 1;
        switch (_steps[at])
        {
            case Field f when node is JsonObject o && o.ContainsKey(f.Name):
                Act(o, f.Name, last, at, replace, remove);
                break;
            case AnyField when node is JsonObject o:
                foreach (string name in o.Select(kv => kv.Key).ToList()) Act(o, name, last, at, replace, remove);
                break;
            case AnyItem when node is JsonArray a:
                for (int i = a.Count - 1; i >= 0; i--) ActItem(a, i, last, at, replace, remove);
                break;
            case Item item when node is JsonArray a && item.Index < a.Count:
                ActItem(a, item.Index, last, at, replace, remove);
                break;
            case Deep d:
                // The field wherever it is, then the rest of the path from there.
                if (node is JsonObject obj)
                {
                    if (obj.ContainsKey(d.Name)) Act(obj, d.Name, last, at, replace, remove);
                    foreach (var child in obj.Select(kv => kv.Value).ToList()) Walk(child, at, replace, remove);
                }
                else if (node is JsonArray arr)
                    foreach (var child in arr.ToList()) Walk(child, at, replace, remove);
                break;
        }
    }

    private void Act(JsonObject parent, string name, bool last, int at, Func<JsonNode?, JsonNode?> replace, bool remove)
    {
        if (!last) { Walk(parent[name], at + 1, replace, remove); return; }
        if (remove) parent.Remove(name);
        else parent[name] = replace(parent[name]);
    }

    private void ActItem(JsonArray parent, int index, bool last, int at, Func<JsonNode?, JsonNode?> replace, bool remove)
    {
        if (!last) { Walk(parent[index], at + 1, replace, remove); return; }
        if (remove) parent.RemoveAt(index);
        else parent[index] = replace(parent[index]);
    }
}
