using System.Text.Json;
using AwsEndpoint.Ecs.Shapes;
using AwsEndpoint.Protocol;

namespace AwsEndpoint.Ecs;

/// <summary>RegisterTaskDefinition, DescribeTaskDefinition, DeregisterTaskDefinition, ListTaskDefinitions,
/// ListTaskDefinitionFamilies.</summary>
public sealed class EcsTaskDefinitionOperations(EcsState state)
{
    public Task<object> RegisterTaskDefinitionAsync(JsonElement input, CancellationToken ct)
    {
        lock (state.Gate)
        {
            var (definition, tags) = state.TaskDefinitions.Register(input, state.Now);
            return Task.FromResult<object>(new RegisterTaskDefinitionResponse(definition, tags));
        }
    }

    public Task<object> DescribeTaskDefinitionAsync(JsonElement input, CancellationToken ct)
    {
        var request = AwsJson.Read<DescribeTaskDefinitionRequest>(input);
        lock (state.Gate)
        {
            var definition = state.TaskDefinitions.Require(request.TaskDefinition);
            var tags = request.Include?.Contains("TAGS") == true ? state.TaskDefinitions.TagsOf(definition) : null;
            return Task.FromResult<object>(new DescribeTaskDefinitionResponse((System.Text.Json.Nodes.JsonObject)definition.DeepClone(), tags));
        }
    }

    public Task<object> DeregisterTaskDefinitionAsync(JsonElement input, CancellationToken ct)
    {
        var request = AwsJson.Read<DeregisterTaskDefinitionRequest>(input);
        if (request.TaskDefinition is { } reference && !reference.Contains(':'))
            throw EcsErrors.Client("Invalid revision number. Number: ");
        lock (state.Gate)
        {
            var definition = state.TaskDefinitions.Deregister(request.TaskDefinition, state.Now);
            return Task.FromResult<object>(new DeregisterTaskDefinitionResponse((System.Text.Json.Nodes.JsonObject)definition.DeepClone()));
        }
    }

    public Task<object> ListTaskDefinitionsAsync(JsonElement input, CancellationToken ct)
    {
        var request = AwsJson.Read<ListTaskDefinitionsRequest>(input);
        var status = request.Status ?? "ACTIVE";
        AwsServiceException.CheckEnum("status", status, "ACTIVE", "INACTIVE");
        AwsServiceException.CheckEnum("sort", request.Sort, "ASC", "DESC");
        lock (state.Gate)
        {
            var all = state.TaskDefinitions.List(request.FamilyPrefix, status, request.Sort == "DESC");
            var (page, next) = EcsPaging.Page(all, request.NextToken, request.MaxResults);
            return Task.FromResult<object>(new ListTaskDefinitionsResponse(page, next));
        }
    }

    public Task<object> ListTaskDefinitionFamiliesAsync(JsonElement input, CancellationToken ct)
    {
        var request = AwsJson.Read<ListTaskDefinitionFamiliesRequest>(input);
        // Unlike ListTaskDefinitions (ACTIVE by default, familyPrefix a whole family name), this lists every family
        // by default and familyPrefix is a real prefix, as the model documents.
        AwsServiceException.CheckEnum("status", request.Status, "ACTIVE", "INACTIVE", "ALL");
        lock (state.Gate)
        {
            var all = state.TaskDefinitions.Families(request.FamilyPrefix, request.Status ?? "ALL");
            var (page, next) = EcsPaging.Page(all, request.NextToken, request.MaxResults);
            return Task.FromResult<object>(new ListTaskDefinitionFamiliesResponse(page, next));
        }
    }
}
