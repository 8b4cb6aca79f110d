// The pipeline's targets: names, descriptions and edges, one call each. The logic lives in build/Pipeline.
#r "Pipeline/bin/cake/Pipeline.dll"

using Pipeline;
using Pipeline.Build;
using Pipeline.Cli;

var pipeline = new PipelineHost();

Task("Restore")
    .Description("Pull the last released image (for layer cache) and the dependency images")
    .Does(() => pipeline.Run("Restore", context => new RestoreStage(context)));

Task("DockerBuild")
    .Description("Build the testing image (dev dependencies) and the release image, labelled with the commit")
    .IsDependentOn("Restore")
    .Does(() => pipeline.Run("DockerBuild", context => new DockerBuildStage(context)));

Teardown(_ => pipeline.Finish());

RunTargets(pipeline.Start(
    Tasks.Select(t => new TargetInfo(t.Name, t.Description, t.Dependencies.Select(d => d.Name).ToList())),
    defaultTarget: "DockerBuild"));
