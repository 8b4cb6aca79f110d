using System.Text.Json;
using AwsEndpoint.Ecs.Shapes;
using AwsEndpoint.Protocol;

namespace AwsEndpoint.Ecs;

/// <summary>RegisterTaskDefinition, DescribeTaskDefinition, DeregisterTaskDefinition, ListTaskDefinitions.</summary>
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
        if (status is not ("ACTIVE" or "INACTIVE"))
            throw AwsServiceException.Validation($"1 validation error detected: Value '{status}' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [ACTIVE, INACTIVE]");
        if (request.Sort is not (null or "ASC" or "DESC"))
            throw AwsServiceException.Validation($"1 validation error detected: Value '{request.Sort}' at 'sort' failed to satisfy constraint: Member must satisfy enum value set: [ASC, DESC]");
        lock (state.Gate)
        {
            var all = state.TaskDefinitions.List(request.FamilyPrefix, status, request.Sort == "DESC");
            var (page, next) = EcsPaging.Page(all, request.NextToken, request.MaxResults);
            return Task.FromResult<object>(new ListTaskDefinitionsResponse(page, next));
        }
    }
}
