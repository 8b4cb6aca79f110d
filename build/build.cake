// The pipeline's targets: names, descriptions and edges, one call each. The logic lives in build/Pipeline.
#r "Pipeline/bin/cake/Pipeline.dll"

using Pipeline;
using Pipeline.Build;
using Pipeline.Ci;
using Pipeline.Cli;
using Pipeline.Config;
using Pipeline.Deps;
using Pipeline.Production;
using Pipeline.Registry;
using Pipeline.Staging;

var pipeline = new PipelineHost();

Task("Restore")
    .Description("Pull the last released image (for layer cache) and the dependency images")
    .Does(() => pipeline.Run("Restore", context => new RestoreStage(context)));

Task("DockerBuild")
    .Description("Build the testing image (dev dependencies) and the release image, labelled with the commit")
    .IsDependentOn("Restore")
    .Does(() => pipeline.Run("DockerBuild", context => new DockerBuildStage(context)));

Task("StartDeps")
    .Description("Start the dependency services (MySQL and Redis by default) on a network of their own, wait until they are ready, import their schemas")
    .IsDependentOn("Restore")
    .Does(() => pipeline.Run("StartDeps", context => new StartDepsStage(context)));

Task("Test")
    .Description("Run the test command (npm test by default) in the testing image next to the services, then remove them (unless --keep-deps)")
    .IsDependentOn("DockerBuild")
    .IsDependentOn("StartDeps")
    .Does(() => pipeline.Run("Test", context => new TestStage(context)));

Task("Push")
    .Description("Push the release image as develop-<sha7> (master-<sha7> from a main branch), logged in through ECR")
    .IsDependentOn("Test")
    .Does(() => pipeline.Run("Push", context => new PushStage(context)));

Task("DeployProduction")
    .Description("Register a task-definition revision with only the image changed, update the ECS service, wait for that deployment; roll back on failure")
    .IsDependentOn("Push")
    .Does(() => pipeline.Run("DeployProduction", context => new DeployProductionStage(context)));

Task("GenerateCi")
    .Description("Write .circleci/config.yml and .github/workflows/pipeline.yml from these targets (commit the result)")
    .Does(() => pipeline.Run("GenerateCi", context => new GenerateCiStage(context)));

Task("DeployStaging")
    .Description("Roll the pushed image over the staging hosts one at a time: pull, start beside the old one, health gate, switch, keep the old for Rollback")
    .IsDependentOn("Push")
    .Does(() => pipeline.Run("DeployStaging", context => new DeployStagingStage(context)));

Task("Rollback")
    .Description("Put every staging host back on the version it kept from before, health-gated, one host at a time")
    .Does(() => pipeline.Run("Rollback", context => new RollbackStage(context)));

Task("StagingUnlock")
    .Description("Show who holds the staging deploy lock and remove it (for a lock left by a run that died)")
    .Does(() => pipeline.Run("StagingUnlock", context => new StagingUnlockStage(context)));

// Developer commands, like the original workflow's Makefile.
Task("SandboxUp")
    .Description("Bring the local sandbox up for this app: staging hosts, ECS service, and the app's slot, services and env file")
    .Does(() => pipeline.Run("SandboxUp", context => new SandboxUpStage(context)));

Task("DepsUp")
    .Description("Start the dependency services with their schemas imported, and keep them running (same as StartDeps alone)")
    .IsDependentOn("StartDeps");

Task("DepsDown")
    .Description("Remove the dependency containers and their network, from any run")
    .Does(() => pipeline.Run("DepsDown", context => new DepsDownStage(context)));

Task("DepsStatus")
    .Description("Show the dependency containers: state, ports, and whether they answer now")
    .Does(() => pipeline.Run("DepsStatus", context => new DepsStatusStage(context)));

Task("DepsLogs")
    .Description("Follow the dependency services' logs until Ctrl-C")
    .Does(() => pipeline.Run("DepsLogs", context => new DepsLogsStage(context)));

Task("Shell")
    .Description("Open an interactive shell in the testing image on the running deps' network (needs a terminal)")
    .Does(() => pipeline.Run("Shell", context => new ShellStage(context)));

Teardown(_ => pipeline.Finish());

RunTargets(pipeline.Start(
    Tasks.Select(t => new TargetInfo(t.Name, t.Description, t.Dependencies.Select(d => d.Name).ToList())),
    defaultTarget: "Test"));
