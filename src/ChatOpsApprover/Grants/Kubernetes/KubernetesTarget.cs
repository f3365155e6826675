using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace ChatOpsApprover.Grants.Kubernetes;

/// <summary>
/// Grants a ClusterRole through a binding of one request: a RoleBinding in the role's Namespace (or a ClusterRoleBinding
/// without one) named after the request and labelled with it, to the person's user name, or their group
/// (login "group:&lt;name&gt;"). Revoke deletes it (404 is success). The receipt is the binding's "namespace/name"
/// ("/name" cluster-wide), so a revoke finds it whatever the role's settings say later; a revoke deletes only a binding
/// labelled with its request.
/// </summary>
public sealed class KubernetesTarget(string name, IKubernetes client, IReadOnlyDictionary<string, string?> namespaces) : IGrantTarget
{
    public const string RequestLabel = "chatops-approver/request-id";

    /// <summary>When the window ends, in Unix seconds (a label value must be short and plain); the annotation of the same name has it readable.</summary>
    public const string EndsAtLabel = "chatops-approver/ends-at";

    public const string PersonAnnotation = "chatops-approver/person";
    public const string RoleAnnotation = "chatops-approver/role";
    public const string GroupPrefix = "group:";
    private const string RbacGroup = "rbac.authorization.k8s.io";

    /// <summary>Calls to the API server at once while revoking a batch.</summary>
    private const int MaxParallelCalls = 8;

    public GrantSharing Sharing => GrantSharing.Request;

    /// <summary>Its revoke does not name the approvers.</summary>
    public bool RevokeNamesApprovers => false;

    public static string BindingName(long requestId) => $"chatops-approver-{requestId.ToString(CultureInfo.InvariantCulture)}";

    public Task<bool> HeldOutsideAsync(TargetGrant grant, CancellationToken cancellationToken) => Task.FromResult(false);

    public async Task<string?> GrantAsync(TargetGrant grant, CancellationToken cancellationToken)
    {
        var ns = NamespaceOf(grant.Role);
        var metadata = new V1ObjectMeta
        {
            Name = BindingName(grant.RequestId),
            NamespaceProperty = ns,
            Labels = new Dictionary<string, string>
            {
                [RequestLabel] = grant.RequestId.ToString(CultureInfo.InvariantCulture),
                [EndsAtLabel] = grant.EndsAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            },
            Annotations = new Dictionary<string, string>
            {
                [PersonAnnotation] = grant.PersonId,
                [RoleAnnotation] = grant.Role,
                [EndsAtLabel] = grant.EndsAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            },
        };
        var roleRef = new V1RoleRef { ApiGroup = RbacGroup, Kind = "ClusterRole", Name = grant.Grant };
        var subjects = new List<Rbacv1Subject> { Subject(grant.Login) };
        try
        {
            if (ns is null)
            {
                await client.RbacAuthorizationV1.CreateClusterRoleBindingAsync(new V1ClusterRoleBinding { Metadata = metadata, RoleRef = roleRef, Subjects = subjects }, cancellationToken: cancellationToken);
            }
            else
            {
                await client.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(new V1RoleBinding { Metadata = metadata, RoleRef = roleRef, Subjects = subjects }, ns, cancellationToken: cancellationToken);
            }
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            // It exists: ours from an attempt whose reply was lost is fine; anything else is not ours to take over.
            await EnsureOursAsync(grant, ns, cancellationToken);
        }
        catch (HttpOperationException e) when (Refused(e.Response.StatusCode))
        {
            throw new GrantRefusedException($"the Kubernetes API of target {name} answered {Describe(e)}");
        }

        return Receipt(ns, metadata.Name);
    }

    public async Task<IReadOnlyList<RevokeResult>> RevokeAsync(IReadOnlyList<TargetGrant> grants, CancellationToken cancellationToken)
    {
        var results = new RevokeResult[grants.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, grants.Count),
            new ParallelOptions { MaxDegreeOfParallelism = MaxParallelCalls, CancellationToken = cancellationToken },
            async (i, token) => results[i] = await RevokeOneAsync(grants[i], token));
        return results;
    }

    /// <summary>Every binding labelled as the bot's, in the namespaces its roles and records name, and cluster-wide.</summary>
    public async Task<IReadOnlyList<FoundAccess>> CheckAsync(IReadOnlyList<TargetGrant> known, CancellationToken cancellationToken)
    {
        var found = new List<FoundAccess>();
        foreach (var ns in namespaces.Values.OfType<string>().Concat(known.Select(k => ParseReceipt(k.Receipt).Namespace).OfType<string>()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var list = await client.RbacAuthorizationV1.ListNamespacedRoleBindingAsync(ns, labelSelector: RequestLabel, cancellationToken: cancellationToken);
            found.AddRange(list.Items.Select(b => Found(b.Metadata, b.RoleRef, b.Subjects, "RoleBinding")));
        }

        var clusterWide = await client.RbacAuthorizationV1.ListClusterRoleBindingAsync(labelSelector: RequestLabel, cancellationToken: cancellationToken);
        found.AddRange(clusterWide.Items.Select(b => Found(b.Metadata, b.RoleRef, b.Subjects, "ClusterRoleBinding")));
        return found;
    }

    private async Task<RevokeResult> RevokeOneAsync(TargetGrant grant, CancellationToken cancellationToken)
    {
        var (ns, binding) = grant.Receipt is null ? (NamespaceOf(grant.Role), BindingName(grant.RequestId)) : ParseReceipt(grant.Receipt);
        try
        {
            // A binding of that name that is not this request's (a refused grant's clean-up, or one replaced since) is not the bot's to delete.
            var metadata = ns is null
                ? (await client.RbacAuthorizationV1.ReadClusterRoleBindingAsync(binding, cancellationToken: cancellationToken)).Metadata
                : (await client.RbacAuthorizationV1.ReadNamespacedRoleBindingAsync(binding, ns, cancellationToken: cancellationToken)).Metadata;
            if (RequestIdOf(metadata) != grant.RequestId)
            {
                return RevokeResult.Kept($"the binding {Receipt(ns, binding)} is not this request's: left alone");
            }

            // Only the binding just read: one replaced meanwhile fails the UID precondition (409), and the retry reads it again.
            var onlyThatOne = new V1DeleteOptions { Preconditions = new V1Preconditions { Uid = metadata.Uid } };
            if (ns is null)
            {
                await client.RbacAuthorizationV1.DeleteClusterRoleBindingAsync(binding, onlyThatOne, cancellationToken: cancellationToken);
            }
            else
            {
                await client.RbacAuthorizationV1.DeleteNamespacedRoleBindingAsync(binding, ns, onlyThatOne, cancellationToken: cancellationToken);
            }

            return RevokeResult.Revoked();
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return RevokeResult.Revoked();
        }
        catch (HttpOperationException e)
        {
            return RevokeResult.Failed($"the Kubernetes API answered {Describe(e)}");
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            return RevokeResult.Failed($"the Kubernetes API did not answer ({e.GetType().Name}: {e.Message})");
        }
    }

    private async Task EnsureOursAsync(TargetGrant grant, string? ns, CancellationToken cancellationToken)
    {
        var bindingName = BindingName(grant.RequestId);
        var (metadata, roleRef, subjects) = ns is null
            ? await client.RbacAuthorizationV1.ReadClusterRoleBindingAsync(bindingName, cancellationToken: cancellationToken) is var c ? (c.Metadata, c.RoleRef, c.Subjects) : default
            : await client.RbacAuthorizationV1.ReadNamespacedRoleBindingAsync(bindingName, ns, cancellationToken: cancellationToken) is var r ? (r.Metadata, r.RoleRef, r.Subjects) : default;
        var expected = Subject(grant.Login);
        var ours = RequestIdOf(metadata) == grant.RequestId
            && roleRef?.Kind == "ClusterRole" && roleRef.Name == grant.Grant
            && subjects is [{ } only] && only.Kind == expected.Kind && only.Name == expected.Name;
        if (!ours)
        {
            throw new GrantRefusedException($"a binding named {Receipt(ns, bindingName)} already exists at target {name} and is not this request's grant");
        }
    }

    private string? NamespaceOf(string role) => namespaces.GetValueOrDefault(role);

    private static FoundAccess Found(V1ObjectMeta metadata, V1RoleRef roleRef, IList<Rbacv1Subject>? subjects, string kind)
    {
        var requestId = RequestIdOf(metadata);
        var login = string.Join(",", (subjects ?? []).Select(s => s.Kind == "Group" ? GroupPrefix + s.Name : s.Name));
        var receipt = Receipt(metadata.NamespaceProperty, metadata.Name);
        return new FoundAccess(requestId, roleRef.Name, login, receipt, $"{kind} {receipt.TrimStart('/')}");
    }

    private static long? RequestIdOf(V1ObjectMeta? metadata) =>
        metadata?.Labels is { } labels && labels.TryGetValue(RequestLabel, out var value) && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;

    private static Rbacv1Subject Subject(string login) => login.StartsWith(GroupPrefix, StringComparison.Ordinal)
        ? new Rbacv1Subject { Kind = "Group", Name = login[GroupPrefix.Length..], ApiGroup = RbacGroup }
        : new Rbacv1Subject { Kind = "User", Name = login, ApiGroup = RbacGroup };

    private static string Receipt(string? ns, string bindingName) => $"{ns}/{bindingName}";

    private static (string? Namespace, string Name) ParseReceipt(string? receipt)
    {
        var slash = receipt?.IndexOf('/', StringComparison.Ordinal) ?? -1;
        return slash < 0 ? (null, receipt ?? string.Empty) : (slash == 0 ? null : receipt![..slash], receipt![(slash + 1)..]);
    }

    /// <summary>4xx is the API server's decision; 408 and 429 only ask to try again later.</summary>
    private static bool Refused(HttpStatusCode status) =>
        (int)status is >= 400 and < 500 && status is not HttpStatusCode.RequestTimeout and not HttpStatusCode.TooManyRequests;

    /// <summary>"HTTP 403 Forbidden: …", from the Status the API server sent.</summary>
    private static string Describe(HttpOperationException e)
    {
        string? reason = null, message = null;
        try
        {
            if (JsonNode.Parse(e.Response.Content ?? string.Empty) is JsonObject status)
            {
                reason = status["reason"]?.GetValue<string>();
                message = status["message"]?.GetValue<string>();
            }
        }
        catch (System.Text.Json.JsonException)
        {
            // Not a Status: the code says enough.
        }

        return $"HTTP {(int)e.Response.StatusCode}{(reason is null ? string.Empty : " " + reason)}{(message is null ? string.Empty : ": " + message)}";
    }
}
