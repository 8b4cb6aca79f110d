namespace Pipeline.Config;

/// <summary>Every parameter the pipeline accepts. --help, validation and settings resolution all read this list.</summary>
public static class PipelineParameters
{
    public static readonly ParameterDefinition Registry = new(
        "registry", "AWS_ECR_URL",
        "Registry host the app image is pushed to and pulled from (an ECR URL, or any registry)",
        DefaultText: "the sandbox registry in the sandbox, else none (Test needs none; Push and the deploys do)",
        Kind: SettingKinds.RegistryHost);

    public static readonly ParameterDefinition Repository = new(
        "repository", "AWS_ECR_REPO", "Repository of the app image in that registry; its last part names the app everywhere else",
        DefaultText: "the checkout directory's name, lowercased",
        Kind: SettingKinds.Repository);

    public static readonly ParameterDefinition RegistryUser = new(
        "registry-user", "REGISTRY_USER", "User for a registry that is not ECR",
        DefaultText: "the sandbox user");

    public static readonly ParameterDefinition RegistryPassword = new(
        "registry-password", "REGISTRY_PASSWORD", "Password for that user", DefaultText: "the sandbox password",
        IsSecret: true);

    public static readonly ParameterDefinition Sha = new(
        "sha", "PIPELINE_SHA", "Commit the images are built from",
        DefaultText: "CIRCLE_SHA1, GITHUB_SHA, else git HEAD",
        Kind: SettingKinds.CommitSha);

    public static readonly ParameterDefinition Branch = new(
        "branch", "PIPELINE_BRANCH", "Branch the commit belongs to",
        DefaultText: "CIRCLE_BRANCH, GITHUB_HEAD_REF/GITHUB_REF_NAME, else git");

    public static readonly ParameterDefinition MainBranches = new(
        "main-branches", "MAIN_BRANCHES", "Branches that build production images (comma-separated)",
        Default: "main,master",
        Kind: SettingKinds.BranchList);

    public static readonly ParameterDefinition AppEnv = new(
        "app-env", "APP_ENV", "Flavour of the release image (the testing image is always 'testing')",
        DefaultText: "production on a main branch, else staging",
        AllowedValues: ["staging", "production"]);

    public static readonly ParameterDefinition Dockerfile = new(
        "dockerfile", "DOCKERFILE", "Dockerfile, relative to the build context", Default: "docker/Dockerfile",
        Kind: SettingKinds.LocalPath);

    public static readonly ParameterDefinition Context = new(
        "context", "DOCKER_CONTEXT", "Build context directory, relative to the repository root", Default: ".",
        Kind: SettingKinds.LocalPath);

    public static readonly ParameterDefinition BaseImage = new(
        "base-image", "BASE_IMAGE", "Base image passed to the Dockerfile through --base-image-arg (cached by Restore like the dependency images)",
        DefaultText: "the Dockerfile's own default (in the sandbox, its stand-in when it has one)",
        Kind: SettingKinds.Image);

    public static readonly ParameterDefinition BaseImageArg = new(
        "base-image-arg", "BASE_IMAGE_ARG", "Name of the Dockerfile's global ARG that holds the base image",
        Default: "NODE_IMAGE",
        Kind: SettingKinds.BuildArgName);

    public static readonly ParameterDefinition CacheBust = new(
        "cache-bust", "CACHE_BUST", "Value of the Dockerfile's CACHE_BUST arg; change it to force the sources to be copied again",
        DefaultText: "unset (sources are cached by content)");

    public static readonly ParameterDefinition MysqlImage = new(
        "mysql-image", "MYSQL_IMAGE", "MySQL image of the default services, pinned", Default: "mysql:8.0.40",
        Kind: SettingKinds.Image);

    public static readonly ParameterDefinition RedisImage = new(
        "redis-image", "REDIS_IMAGE", "Redis image of the default services, pinned", Default: "redis:7.2.5",
        Kind: SettingKinds.Image);

    public static readonly ParameterDefinition Services = new(
        "services", "DEPS_SERVICES",
        "Dependency services the tests run next to, as a JSON object by alias: image, port, host-port, env, ready (sql, resp-ping, tcp or exec) and schema (file, import); {} for none",
        DefaultText: "mysql (--mysql-image, docker/database.sql) and redis (--redis-image)",
        Kind: SettingKinds.Services);

    public static readonly ParameterDefinition DockerHost = new(
        "docker-host", "DOCKER_HOST", "Docker engine to use", Default: "unix:///var/run/docker.sock");

    public static readonly ParameterDefinition DockerTlsVerify = new(
        "docker-tls-verify", "DOCKER_TLS_VERIFY",
        "Reach a tcp:// engine over TLS: its certificate must chain to ca.pem and name its host; cert.pem/key.pem identify this client",
        IsFlag: true);

    public static readonly ParameterDefinition DockerCertPath = new(
        "docker-cert-path", "DOCKER_CERT_PATH", "Directory with ca.pem, cert.pem and key.pem for --docker-tls-verify",
        Default: "~/.docker");

    public static readonly ParameterDefinition Sandbox = new(
        "sandbox", "PIPELINE_SANDBOX",
        "Act on the local sandbox (on), on the pinned public images and the configured infrastructure (off), or decide (auto: the sandbox only on Debian as root, outside CI, with no registry set); the banner says which and why",
        Default: SandboxChoice.Auto, AllowedValues: [SandboxChoice.Auto, SandboxChoice.On, SandboxChoice.Off]);

    public static readonly ParameterDefinition SandboxSlot = new(
        "sandbox-slot", "SANDBOX_SLOT",
        "The app's slot in the sandbox: its load balancer listens on 127.0.0.1:8080+slot and its staging app ports are 3000+100*slot+host",
        DefaultText: "the slot the sandbox gave this app, else the first free one",
        Kind: SettingKinds.WholeNumber(0, 99));

    public static readonly ParameterDefinition SandboxDir = new(
        "sandbox-dir", "PIPELINE_SANDBOX_DIR", "Where the local sandbox keeps its state", Default: "~/.pipeline-sandbox",
        Kind: SettingKinds.LocalPath);

    // Dependency containers (StartDeps, Test and the Deps* developer targets).
    public static readonly ParameterDefinition DepsTimeout = new(
        "deps-timeout", "DEPS_TIMEOUT", "Seconds the dependency services get to be ready before StartDeps fails",
        Default: "60");

    public static readonly ParameterDefinition KeepDeps = new(
        "keep-deps", "KEEP_DEPS", "Keep the dependency containers and their network after Test (for debugging)",
        IsFlag: true);

    public static readonly ParameterDefinition TestCommand = new(
        "test-command", "TEST_COMMAND", "The test command, run in the testing image next to the services (a JSON list, or words separated by spaces)",
        Default: "[\"npm\",\"test\"]",
        Kind: SettingKinds.Argv);

    public static readonly ParameterDefinition TestReport = new(
        "test-report", "TEST_REPORT",
        "Where the test counts come from: node (node's test runner output) or junit:/path (a JUnit XML file the command writes in its container); a non-zero exit fails Test either way",
        Default: Build.TestReportSource.Node,
        Kind: SettingKinds.TestReport);

    public static readonly ParameterDefinition TestTimeout = new(
        "test-timeout", "TEST_TIMEOUT",
        "Seconds the test command may run before Test stops it, prints the dependencies' logs and fails (a hung test run otherwise holds a CI job until CI kills it)",
        Default: "1200");

    public static readonly ParameterDefinition TestResultsDir = new(
        "test-results-dir", "TEST_RESULTS_DIR",
        "Where Test writes the results as JUnit XML (junit.xml), for CircleCI's store_test_results and other dashboards; relative to the repository root",
        Default: "test-results",
        Kind: SettingKinds.LocalPath);

    // The image tarball cache (part of Restore).
    public static readonly ParameterDefinition CacheDir = new(
        "cache-dir", "DOCKER_CACHE_DIR", "Where dependency images are kept as tarballs between runs (CI caches this directory)",
        Default: "~/docker",
        Kind: SettingKinds.LocalPath);

    public static readonly ParameterDefinition CacheCompression = new(
        "cache-compression", "IMAGE_CACHE_COMPRESSION", "Compression of the cached tarballs: none, gzip or brotli, optionally with a level (gzip:1, brotli:5)",
        Default: Cache.TarballCompression.DefaultName);

    public static readonly ParameterDefinition CacheImages = new(
        "cache-images", "CACHE_IMAGES", "Further images to keep in the tarball cache besides the services' and the base image (comma-separated)",
        Kind: SettingKinds.ImageList);

    public static readonly ParameterDefinition ImageArchiveDir = new(
        "image-archive-dir", "IMAGE_ARCHIVE_DIR",
        "Carries the tested release image to deploy jobs on other machines: Test saves it here when the tests pass, and DockerBuild in a run without Test loads it instead of building",
        DefaultText: "off",
        Kind: SettingKinds.LocalPath);

    public static readonly ParameterDefinition AwsRegion = new(
        "aws-region", "AWS_REGION", "AWS region of the ECR registry (and later the ECS cluster)",
        DefaultText: "AWS_DEFAULT_REGION or the profile's region (us-east-1 in the sandbox)",
        Kind: SettingKinds.AwsRegion);

    public static readonly ParameterDefinition RegistryLogin = new(
        "registry-login", "REGISTRY_LOGIN", "How to log in to the registry",
        DefaultText: "ecr, or basic when REGISTRY_USER is set",
        AllowedValues: ["ecr", "basic", "none"]);

    public static readonly ParameterDefinition Tag = new(
        "tag", "IMAGE_TAG", "Tag to push the release image under, instead of the tag policy's",
        DefaultText: "<production-tag-prefix>-<sha7> on a main branch, else <staging-tag-prefix>-<sha7>",
        Kind: SettingKinds.Tag);

    public static readonly ParameterDefinition ProductionTagPrefix = new(
        "production-tag-prefix", "PRODUCTION_TAG_PREFIX", "Tag prefix for images from a main branch", Default: "master",
        Kind: SettingKinds.TagPrefix);

    public static readonly ParameterDefinition StagingTagPrefix = new(
        "staging-tag-prefix", "STAGING_TAG_PREFIX",
        "Tag prefix for images from other branches; {branch} uses the branch name, made tag-safe", Default: "develop",
        Kind: SettingKinds.TagPrefix);

    public static readonly ParameterDefinition ForcePush = new(
        "force-push", "FORCE_PUSH", "Push even when the tag already holds a different image", IsFlag: true);

    public static readonly ParameterDefinition EcsCluster = new(
        "ecs-cluster", "ECS_CLUSTER", "ECS cluster of the production service", DefaultText: "sandbox in the sandbox");

    public static readonly ParameterDefinition EcsService = new(
        "ecs-service", "ECS_SERVICE", "ECS service DeployProduction updates", DefaultText: "the repository's last part");

    public static readonly ParameterDefinition EcsContainer = new(
        "ecs-container", "ECS_CONTAINER", "Container(s) of the task definition that run the app (comma-separated)",
        DefaultText: "every container whose image is in the app's repository");

    public static readonly ParameterDefinition DeployTimeout = new(
        "deploy-timeout", "DEPLOY_TIMEOUT", "Seconds to wait for the ECS deployment (and again for a rollback)", Default: "600",
        Kind: SettingKinds.WholeNumber(1, 86400));

    public static readonly ParameterDefinition KeepRevisions = new(
        "keep-revisions", "KEEP_REVISIONS", "Task-definition revisions kept after a good deploy (older ones are deregistered)", Default: "10",
        Kind: SettingKinds.WholeNumber(1, 1000));

    // Staging deploys over SSH (DeployStaging, Rollback, StagingUnlock).
    public static readonly ParameterDefinition StagingHosts = new(
        "staging-hosts", "STAGING_HOSTS",
        "Staging hosts, deployed one after another, as [name=][user@]address[:sshport][/[bind:]appport] (comma-separated)",
        DefaultText: "the sandbox's staging-1 and staging-2",
        Kind: SettingKinds.StagingHosts);

    public static readonly ParameterDefinition StagingSshKey = new(
        "staging-ssh-key", "STAGING_SSH_KEY", "Private key file for the staging hosts (only this key is offered; read into memory)",
        DefaultText: "the sandbox's key; else the first of ~/.ssh/id_ed25519, id_ecdsa, id_rsa (no ssh-agent)",
        Kind: SettingKinds.KeyFile);

    public static readonly ParameterDefinition StagingSshPrivateKey = new(
        "staging-ssh-private-key", "STAGING_SSH_PRIVATE_KEY",
        "The staging hosts' private key itself, e.g. from a CI secret (instead of --staging-ssh-key): loaded in memory, never written to a file",
        IsSecret: true);

    public static readonly ParameterDefinition StagingSshKeyPassphrase = new(
        "staging-ssh-key-passphrase", "STAGING_SSH_KEY_PASSPHRASE",
        "Passphrase of the staging key (the file or STAGING_SSH_PRIVATE_KEY), when it has one",
        IsSecret: true);

    public static readonly ParameterDefinition StagingJump = new(
        "staging-jump", "STAGING_JUMP",
        "Jump host (bastion) the staging hosts are reached through, as [user@]host[:port]; its host key is checked against the same known_hosts",
        DefaultText: "in the sandbox, its jump host for its own hosts; else none: the hosts are reached directly");

    public static readonly ParameterDefinition StagingKnownHosts = new(
        "staging-known-hosts", "STAGING_KNOWN_HOSTS",
        "known_hosts file, or its lines themselves (a value with a space or newline), pinning the staging hosts' keys; any other key is refused",
        DefaultText: "the sandbox's file; else ~/.ssh/known_hosts",
        Kind: SettingKinds.KnownHosts);

    public static readonly ParameterDefinition StagingContainer = new(
        "staging-container", "STAGING_CONTAINER",
        "Name of the app on the hosts: its containers are <name>-<tag>, its proxy <name>-proxy, its lock <name>",
        DefaultText: "the repository's last part",
        Kind: SettingKinds.ContainerName);

    public static readonly ParameterDefinition AppPort = new(
        "app-port", "APP_PORT", "Port the app listens on inside its container", Default: "3000",
        Kind: SettingKinds.WholeNumber(1, 65535));

    public static readonly ParameterDefinition HealthPath = new(
        "health-path", "HEALTH_PATH",
        "The app's HTTP health endpoint (the sandbox's ECS task definition probes it for an app on the Node image; staging uses the image's HEALTHCHECK)",
        Default: "/healthcheck",
        Kind: SettingKinds.HttpPath);

    public static readonly ParameterDefinition StagingEnvFile = new(
        "staging-env-file", "STAGING_ENV_FILE", "Env file on each host for the app container (~/ is the remote home)",
        DefaultText: "~/<staging-container>.env",
        Kind: SettingKinds.RemotePath);

    public static readonly ParameterDefinition StagingNetwork = new(
        "staging-network", "STAGING_NETWORK", "Docker network on the hosts that holds the app's services", Default: "staging",
        Kind: SettingKinds.NetworkName);

    public static readonly ParameterDefinition StagingProxyImage = new(
        "staging-proxy-image", "STAGING_PROXY_IMAGE", "nginx image of the per-host proxy that switches traffic between app containers",
        Default: "nginx:1.27", DefaultText: "nginx:1.27 (the sandbox's nginx in the sandbox)",
        Kind: SettingKinds.Image);

    public static readonly ParameterDefinition HealthTimeout = new(
        "health-timeout", "HEALTH_TIMEOUT", "Seconds a new container gets to report healthy before the deploy reverts it",
        Default: "60",
        Kind: SettingKinds.WholeNumber(1, 3600));

    public static readonly ParameterDefinition HealthInterval = new(
        "health-interval", "HEALTH_INTERVAL", "Health-check interval of the app containers (docker --health-interval); empty keeps the image's",
        Default: "1s",
        Kind: SettingKinds.Duration);

    public static readonly ParameterDefinition SshTimeout = new(
        "ssh-timeout", "SSH_TIMEOUT", "Seconds to wait for an SSH connection (TCP connect, handshake, login) to a staging host or the jump host", Default: "10",
        Kind: SettingKinds.WholeNumber(1, 300));

    public static readonly ParameterDefinition BeforeHost = new(
        "before-host", "STAGING_BEFORE_HOST", "Command run locally before a host switches ({host} is its name), e.g. take it out of the load balancer",
        DefaultText: "the sandbox's lb.sh drain {host}",
        Kind: SettingKinds.ShellCommand);

    public static readonly ParameterDefinition AfterHost = new(
        "after-host", "STAGING_AFTER_HOST", "Command run locally after a host switched ({host} is its name), e.g. put it back into the load balancer",
        DefaultText: "the sandbox's lb.sh enable {host}",
        Kind: SettingKinds.ShellCommand);

    public static readonly ParameterDefinition LockWait = new(
        "lock-wait", "LOCK_WAIT", "Seconds to wait for another deploy's lock; 0 fails at once, naming the holder", Default: "0",
        Kind: SettingKinds.WholeNumber(0, 86400));

    public static readonly ParameterDefinition StagingBranch = new(
        "staging-branch", "STAGING_BRANCH", "Branch whose pushes CI deploys to staging", Default: "develop",
        Kind: SettingKinds.Branch);

    public static readonly ParameterDefinition CiOutput = new(
        "ci-output", "CI_OUTPUT", "Directory GenerateCi writes .circleci/ and .github/ into", DefaultText: "the repository root",
        Kind: SettingKinds.LocalPath);

    // Options that steer the run itself rather than the settings.
    public static readonly ParameterDefinition Help = new(
        "help", "PIPELINE_HELP", "Show targets and parameters, then stop (also -h)", IsFlag: true);

    public static readonly ParameterDefinition Plan = new(
        "plan", "PIPELINE_PLAN", "Print the ordered targets that would run, then stop", IsFlag: true);

    public static readonly ParameterDefinition DryRun = new(
        "dryrun", "PIPELINE_DRYRUN", "Print what each target would do, and do nothing", IsFlag: true);

    public static readonly ParameterDefinition Skip = new(
        "skip", "PIPELINE_SKIP", "Targets to skip (comma-separated)");

    public static IReadOnlyList<ParameterDefinition> All { get; } =
    [
        Registry, Repository, RegistryUser, RegistryPassword, Sha, Branch, MainBranches, AppEnv,
        Dockerfile, Context, BaseImage, BaseImageArg, CacheBust, MysqlImage, RedisImage, Services, DockerHost, DockerTlsVerify, DockerCertPath,
        Sandbox, SandboxSlot, SandboxDir,
        DepsTimeout, KeepDeps, TestCommand, TestReport, TestTimeout, TestResultsDir,
        CacheDir, CacheCompression, CacheImages, ImageArchiveDir,
        AwsRegion, RegistryLogin, Tag, ProductionTagPrefix, StagingTagPrefix, ForcePush,
        StagingHosts, StagingSshKey, StagingSshPrivateKey, StagingSshKeyPassphrase, StagingKnownHosts, StagingJump, StagingContainer, AppPort, HealthPath, StagingEnvFile, StagingNetwork,
        StagingProxyImage, HealthTimeout, HealthInterval, SshTimeout, BeforeHost, AfterHost, LockWait,
        EcsCluster, EcsService, EcsContainer, DeployTimeout, KeepRevisions,
        StagingBranch, CiOutput,
        Help, Plan, DryRun, Skip,
    ];

    public static ParameterDefinition? Find(string name) =>
        All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
}
