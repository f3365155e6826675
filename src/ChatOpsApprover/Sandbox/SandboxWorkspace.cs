using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace ChatOpsApprover.Sandbox;

/// <summary>
/// The sandbox's Slack workspace, in memory: its channels and direct messages, messages and threads, ephemeral messages
/// per person, open modals, home tabs, trigger ids. Every change bumps <see cref="Version"/> and wakes the pages'
/// live updates. One lock: the sandbox serves one person at a laptop.
/// </summary>
public sealed class SandboxWorkspace
{
    /// <summary>Slack's trigger ids work once, for 3 seconds.</summary>
    public static readonly TimeSpan TriggerLifetime = TimeSpan.FromSeconds(3);

    /// <summary>Slack stacks at most three modals.</summary>
    public const int MaxModalStack = 3;

    // Bounds a sandbox left running for days; Slack keeps everything, a demo needs the recent story.
    private const int MaxMessages = 5000;

    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly List<SandboxPerson> _people;
    private readonly Dictionary<string, IReadOnlyList<string>> _userGroups;
    private readonly Dictionary<string, SandboxChannel> _channels = new(StringComparer.Ordinal);
    private readonly List<SandboxMessage> _messages = [];
    private readonly List<SandboxEphemeral> _ephemerals = [];
    private readonly List<SandboxNotice> _notices = [];
    private readonly Dictionary<string, List<SandboxView>> _modals = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SandboxView> _homes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string User, DateTimeOffset IssuedAt, bool Used)> _triggers = new(StringComparer.Ordinal);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _version;
    private long _lastMicros;
    private long _views;

    /// <param name="userGroups">Slack user group id → the Slack ids of its members.</param>
    public SandboxWorkspace(IEnumerable<SandboxPerson> people, IEnumerable<SandboxChannel> channels, IReadOnlyDictionary<string, IReadOnlyList<string>> userGroups, TimeProvider time)
    {
        _time = time;
        _people = [.. people];
        _userGroups = new Dictionary<string, IReadOnlyList<string>>(userGroups, StringComparer.Ordinal);
        foreach (var channel in channels)
        {
            _channels.TryAdd(channel.Id, channel);
        }
    }

    public long Version
    {
        get
        {
            lock (_gate)
            {
                return _version;
            }
        }
    }

    public IReadOnlyList<SandboxPerson> People => _people;

    public SandboxPerson? FindBySlackId(string? slackId) => _people.FirstOrDefault(p => p.SlackId == slackId);

    public SandboxPerson? FindByPersonId(string? personId) => _people.FirstOrDefault(p => p.PersonId == personId);

    public IReadOnlyList<string>? UserGroupMembers(string groupId) => _userGroups.GetValueOrDefault(groupId);

    /// <summary>A channel by id; a person's Slack id names their direct messages with the bot, as in chat.postMessage.</summary>
    public SandboxChannel? FindChannel(string? id)
    {
        if (id is null)
        {
            return null;
        }

        if (FindBySlackId(id) is { } person)
        {
            return OpenDirect(person);
        }

        lock (_gate)
        {
            return _channels.GetValueOrDefault(id);
        }
    }

    /// <summary>The bot's direct-message channel with a person, made on first use (conversations.open).</summary>
    public SandboxChannel OpenDirect(SandboxPerson person)
    {
        var id = "D" + person.SlackId;
        lock (_gate)
        {
            if (!_channels.TryGetValue(id, out var channel))
            {
                channel = new SandboxChannel(id, person.PersonId, $"Direct messages between {SandboxSettings.BotName} and {person.PersonId}", person.SlackId);
                _channels[id] = channel;
            }

            return channel;
        }
    }

    public SandboxMessage Post(string channel, string author, string text, JsonArray? blocks, string? threadTs)
    {
        lock (_gate)
        {
            var message = new SandboxMessage(channel, NextTs(), threadTs, author, text, blocks is null ? null : BlockIds.Assign(blocks));
            _messages.Add(message);
            KeepRecent(_messages);
            Touch();
            return message;
        }
    }

    /// <summary>chat.update: the message's text and blocks replaced; null when there is no such message.</summary>
    public SandboxMessage? Update(string channel, string ts, string text, JsonArray? blocks)
    {
        lock (_gate)
        {
            var index = _messages.FindIndex(m => m.Channel == channel && m.Ts == ts);
            if (index < 0)
            {
                return null;
            }

            var updated = _messages[index] with { Text = text, Blocks = blocks is null ? null : BlockIds.Assign(blocks), Edited = true };
            _messages[index] = updated;
            Touch();
            return updated;
        }
    }

    public SandboxMessage? FindMessage(string channel, string ts)
    {
        lock (_gate)
        {
            return _messages.FirstOrDefault(m => m.Channel == channel && m.Ts == ts);
        }
    }

    public SandboxEphemeral PostEphemeral(string channel, string user, string text, JsonArray? blocks, string? typed = null)
    {
        lock (_gate)
        {
            var message = new SandboxEphemeral(channel, user, NextTs(), text, blocks is null ? null : BlockIds.Assign(blocks), typed);
            _ephemerals.Add(message);
            KeepRecent(_ephemerals);
            Touch();
            return message;
        }
    }

    public SandboxEphemeral? FindEphemeral(string user, string ts)
    {
        lock (_gate)
        {
            return _ephemerals.FirstOrDefault(m => m.User == user && m.Ts == ts);
        }
    }

    public void Notice(string user, string text)
    {
        lock (_gate)
        {
            _notices.Add(new SandboxNotice(user, NextTs(), text));
            KeepRecent(_notices);
            Touch();
        }
    }

    /// <summary>A fresh trigger id for something a person just did, as Slack puts in slash commands and clicks.</summary>
    public string IssueTrigger(string user)
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            foreach (var old in _triggers.Where(t => now - t.Value.IssuedAt > TimeSpan.FromMinutes(1)).Select(t => t.Key).ToList())
            {
                _triggers.Remove(old);
            }

            var id = $"{_triggers.Count + 1}.{now.ToUnixTimeSeconds()}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}";
            _triggers[id] = (user, now, false);
            return id;
        }
    }

    /// <summary>Spends a trigger id: the person it was issued for, or Slack's error (invalid, exchanged, expired).</summary>
    public (string? User, string? Error) UseTrigger(string? id)
    {
        lock (_gate)
        {
            if (id is null || !_triggers.TryGetValue(id, out var trigger))
            {
                return (null, "invalid_trigger_id");
            }

            if (trigger.Used)
            {
                return (null, "exchanged_trigger_id");
            }

            _triggers[id] = trigger with { Used = true };
            return _time.GetUtcNow() - trigger.IssuedAt > TriggerLifetime ? (null, "expired_trigger_id") : (trigger.User, null);
        }
    }

    /// <summary>views.open (a new stack) or views.push (on top of the open one): the stored view, or Slack's error.</summary>
    public (SandboxView? View, string? Error) OpenModal(string user, JsonObject view, bool push)
    {
        lock (_gate)
        {
            var stack = _modals.TryGetValue(user, out var open) ? open : _modals[user] = [];
            if (push && stack.Count == 0)
            {
                return (null, "not_found");
            }

            if (push && stack.Count >= MaxModalStack)
            {
                return (null, "push_limit_reached");
            }

            if (!push)
            {
                stack.Clear();
            }

            var id = NextViewId();
            var stored = new SandboxView(id, user, ViewBody(id, view, rootId: push ? stack[0].Id : id, previousId: push ? stack[^1].Id : null), new Dictionary<string, string>());
            stack.Add(stored);
            Touch();
            return (stored, null);
        }
    }

    /// <summary>views.update by view id or external id, refused when the hash given is not the current one.</summary>
    public (SandboxView? View, string? Error) UpdateView(string? viewId, string? externalId, string? hash, JsonObject view)
    {
        lock (_gate)
        {
            var current = AllViews().FirstOrDefault(v => (viewId is not null && v.Id == viewId) || (externalId is not null && BlockIds.Text(v.Body, "external_id") == externalId));
            if (current is null)
            {
                return (null, "not_found");
            }

            if (!string.IsNullOrEmpty(hash) && hash != current.Hash)
            {
                return (null, "hash_conflict");
            }

            var updated = current with
            {
                Body = ViewBody(current.Id, view, BlockIds.Text(current.Body, "root_view_id"), BlockIds.Text(current.Body, "previous_view_id")),
                Errors = new Dictionary<string, string>(),
            };
            Replace(current, updated);
            Touch();
            return (updated, null);
        }
    }

    /// <summary>views.publish: the person's home tab, refused when the hash given is not the current one.</summary>
    public (SandboxView? View, string? Error) Publish(string user, string? hash, JsonObject view)
    {
        lock (_gate)
        {
            _homes.TryGetValue(user, out var current);
            if (current is not null && !string.IsNullOrEmpty(hash) && hash != current.Hash)
            {
                return (null, "hash_conflict");
            }

            var id = current?.Id ?? NextViewId();
            var published = new SandboxView(id, user, ViewBody(id, view, id, null), new Dictionary<string, string>());
            _homes[user] = published;
            Touch();
            return (published, null);
        }
    }

    public SandboxView? FindView(string user, string viewId)
    {
        lock (_gate)
        {
            return AllViews().FirstOrDefault(v => v.User == user && v.Id == viewId);
        }
    }

    /// <summary>Keeps what the person entered (and the bot's errors about it) on an open view.</summary>
    public SandboxView? SetState(string user, string viewId, JsonObject values, IReadOnlyDictionary<string, string>? errors)
    {
        lock (_gate)
        {
            if (AllViews().FirstOrDefault(v => v.User == user && v.Id == viewId) is not { } current)
            {
                return null;
            }

            var body = (JsonObject)current.Body.DeepClone();
            body["state"] = new JsonObject { ["values"] = values.DeepClone() };
            var updated = current with { Body = body, Errors = errors ?? current.Errors };
            Replace(current, updated);
            Touch();
            return updated;
        }
    }

    /// <summary>Closes the top modal (or with <paramref name="all"/> the whole stack); the views closed.</summary>
    public IReadOnlyList<SandboxView> CloseModal(string user, bool all)
    {
        lock (_gate)
        {
            if (!_modals.TryGetValue(user, out var stack) || stack.Count == 0)
            {
                return [];
            }

            var closed = all ? [.. stack] : new List<SandboxView> { stack[^1] };
            stack.RemoveRange(all ? 0 : stack.Count - 1, closed.Count);
            Touch();
            return closed;
        }
    }

    /// <summary>Replaces the top modal with a new view under the same id (response_action: update).</summary>
    public SandboxView? ReplaceTopModal(string user, JsonObject view)
    {
        lock (_gate)
        {
            if (!_modals.TryGetValue(user, out var stack) || stack.Count == 0)
            {
                return null;
            }

            var current = stack[^1];
            var updated = current with
            {
                Body = ViewBody(current.Id, view, BlockIds.Text(current.Body, "root_view_id"), BlockIds.Text(current.Body, "previous_view_id")),
                Errors = new Dictionary<string, string>(),
            };
            stack[^1] = updated;
            Touch();
            return updated;
        }
    }

    public SandboxScene Scene(SandboxPerson me)
    {
        lock (_gate)
        {
            var direct = _channels.GetValueOrDefault("D" + me.SlackId);
            var shared = _channels.Values.Where(c => c.DirectWith is null).ToList();
            var visible = shared.Select(c => c.Id).Append(direct?.Id).OfType<string>().ToHashSet(StringComparer.Ordinal);
            _modals.TryGetValue(me.SlackId, out var stack);
            return new SandboxScene(
                _version,
                me,
                _people,
                shared,
                direct,
                _messages.Where(m => visible.Contains(m.Channel)).ToList(),
                _ephemerals.Where(e => e.User == me.SlackId).ToList(),
                stack is { Count: > 0 } ? stack[^1] : null,
                stack?.Count ?? 0,
                _homes.GetValueOrDefault(me.SlackId),
                _notices.Where(n => n.User == me.SlackId).TakeLast(5).ToList());
        }
    }

    /// <summary>Waits until the workspace changes after <paramref name="seen"/>, or <paramref name="atMost"/> passes.</summary>
    public async Task WaitForChangeAsync(long seen, TimeSpan atMost, CancellationToken cancellationToken)
    {
        Task changed;
        lock (_gate)
        {
            if (_version != seen)
            {
                return;
            }

            changed = _changed.Task;
        }

        try
        {
            await changed.WaitAsync(atMost, cancellationToken);
        }
        catch (TimeoutException)
        {
            // Nothing changed: the caller looks at the target and waits again.
        }
    }

    private static void KeepRecent<T>(List<T> items)
    {
        if (items.Count > MaxMessages)
        {
            items.RemoveRange(0, items.Count - MaxMessages);
        }
    }

    private IEnumerable<SandboxView> AllViews() => _modals.Values.SelectMany(s => s).Concat(_homes.Values);

    private void Replace(SandboxView current, SandboxView updated)
    {
        if (_homes.TryGetValue(current.User, out var home) && home.Id == current.Id)
        {
            _homes[current.User] = updated;
            return;
        }

        var stack = _modals[current.User];
        stack[stack.FindIndex(v => v.Id == current.Id)] = updated;
    }

    /// <summary>The view object as Slack returns it: the app's fields, the ids Slack adds, an empty state, a fresh hash.</summary>
    private JsonObject ViewBody(string id, JsonObject view, string? rootId, string? previousId)
    {
        var body = new JsonObject
        {
            ["id"] = id,
            ["team_id"] = SandboxSettings.TeamId,
            ["type"] = BlockIds.Text(view, "type") ?? "modal",
        };
        foreach (var field in new[] { "title", "submit", "close" })
        {
            if (view[field] is { } value)
            {
                body[field] = value.DeepClone();
            }
        }

        body["blocks"] = BlockIds.Assign(view["blocks"] as JsonArray ?? []);
        body["private_metadata"] = BlockIds.Text(view, "private_metadata") ?? string.Empty;
        body["callback_id"] = BlockIds.Text(view, "callback_id") ?? string.Empty;
        body["external_id"] = BlockIds.Text(view, "external_id") ?? string.Empty;
        body["state"] = new JsonObject { ["values"] = new JsonObject() };
        body["hash"] = $"{_time.GetUtcNow().ToUnixTimeSeconds()}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
        body["clear_on_close"] = IsTrue(view["clear_on_close"]);
        body["notify_on_close"] = IsTrue(view["notify_on_close"]);
        body["root_view_id"] = rootId;
        body["previous_view_id"] = previousId;
        body["app_id"] = SandboxSettings.AppId;
        body["bot_id"] = SandboxSettings.BotId;
        return body;
    }

    private static bool IsTrue(JsonNode? node) => node is JsonValue value && value.TryGetValue<bool>(out var flag) && flag;

    private string NextViewId() => "V0" + (++_views).ToString("D6", CultureInfo.InvariantCulture);

    /// <summary>Slack's message ids: seconds.microseconds, unique and increasing within the workspace.</summary>
    private string NextTs()
    {
        var micros = Math.Max(_time.GetUtcNow().ToUnixTimeMilliseconds() * 1000, _lastMicros + 1);
        _lastMicros = micros;
        return $"{micros / 1_000_000}.{micros % 1_000_000:D6}";
    }

    private void Touch()
    {
        _version++;
        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.SetResult();
    }
}
