using System.Net;
using Docker.DotNet.Models;

namespace Pipeline.Docker;

// The container calls whose answers or bodies are streams rather than JSON: logs, exec, copying files in.
internal sealed partial class ContainerOperations
{
    public async Task<ContainerLogs> LogsAsync(string name, int? tail, CancellationToken cancellation)
    {
        var parameters = new ContainerLogsParameters { ShowStdout = true, ShowStderr = true, Tail = tail?.ToString() ?? "all" };
        // The library inspects the container first: only one without a TTY frames its output into stdout and
        // stderr, and a TTY container's output is all stdout. A quiet command is not a stuck one, so the limit is a
        // total one.
        var (stdout, stderr) = await OnContainerAsync(name, $"GET /containers/{name}/logs", async (docker, token) =>
        {
            using var output = await docker.Containers.GetContainerLogsAsync(name, parameters, token);
            return await output.ReadOutputToEndAsync(token);
        }, cancellation);
        return new ContainerLogs(stdout, stderr);
    }

    public async Task FollowLogsAsync(string name, Action<LogLine> onLine, CancellationToken cancellation)
    {
        var parameters = new ContainerLogsParameters { Follow = true, ShowStdout = true, ShowStderr = true };
        try
        {
            // A followed log may rightly stay quiet for hours (a developer watching the database): no idle limit.
            await engine.StreamAsync($"GET /containers/{name}/logs?follow", async (docker, watchdog) =>
            {
                using var output = await docker.Containers.GetContainerLogsAsync(name, parameters, watchdog.Token);
                try
                {
                    await LogLineReader.ReadAsync(output, onLine, watchdog.Token);
                }
                catch (IOException) when (!cancellation.IsCancellationRequested)
                {
                    // The engine drops a follow stream when the container is removed under it: the log simply ends.
                }
            }, cancellation, idle: Timeout.InfiniteTimeSpan);
        }
        catch (DockerApiException missing) when (missing.StatusCode == HttpStatusCode.NotFound)
        {
            throw NoSuchContainer(name, missing);
        }
    }

    public async Task<ExecResult> ExecAsync(
        string name, IReadOnlyList<string> command, TimeSpan limit, CancellationToken cancellation)
    {
        var create = new ContainerExecCreateParameters { AttachStdout = true, AttachStderr = true, Cmd = [.. command] };
        return await OnContainerAsync(name, $"POST /containers/{name}/exec", async (docker, token) =>
        {
            var exec = await docker.Exec.CreateContainerExecAsync(name, create, token);
            using var output = await docker.Exec.StartContainerExecAsync(
                exec.ID, new ContainerExecStartParameters { Detach = false, TTY = false }, token);
            var (stdout, stderr) = await output.ReadOutputToEndAsync(token);
            var state = await docker.Exec.InspectContainerExecAsync(exec.ID, token);
            if (state.Running || state.ExitCode is null)
            {
                throw new PipelineException($"exec in {name} ended its output but the command is still running",
                    "Check the container; the command may have detached a child that holds the output open.");
            }
            return new ExecResult((int)state.ExitCode.Value, stdout, stderr);
        }, cancellation, limit);
    }

    public async Task CopyArchiveAsync(string name, string directory, byte[] tar, CancellationToken cancellation)
    {
        try
        {
            await engine.RunAsync($"PUT /containers/{name}/archive", (docker, token) =>
                docker.Containers.ExtractArchiveToContainerAsync(
                    name, new CopyToContainerParameters { Path = directory }, new MemoryStream(tar), token), cancellation);
        }
        catch (DockerApiException refused) when (refused.StatusCode == HttpStatusCode.NotFound)
        {
            throw new PipelineException($"Cannot copy into {name}:{directory}",
                "The container or that directory does not exist.", refused.EngineMessage, refused);
        }
    }

    public async Task<byte[]?> ReadFileAsync(string name, string path, long maxBytes, CancellationToken cancellation)
    {
        try
        {
            return await engine.RunAsync($"GET /containers/{name}/archive", async (docker, token) =>
            {
                var response = await docker.Containers.GetArchiveFromContainerAsync(
                    name, new ContainerPathStatParameters { Path = path }, statOnly: false, token);
                await using var stream = response.Stream ?? throw new PipelineException($"The engine sent no archive of {name}:{path}", "Try again; check the engine's log if it persists.");
                // The whole archive is read into memory first: Docker.DotNet's chunked stream throws
                // EndOfStreamException when a reader (TarReader's entry stream) asks for more than its last chunk holds.
                var archive = await ReadBoundedAsync(stream, maxBytes + 64 * 1024, name, path, token);
                // The engine sends the path as a tar archive; a regular file is its first entry.
                using var tar = new System.Formats.Tar.TarReader(archive);
                var entry = tar.GetNextEntry(copyData: false);
                if (entry?.DataStream is null || entry.EntryType is not (System.Formats.Tar.TarEntryType.RegularFile or System.Formats.Tar.TarEntryType.V7RegularFile))
                    throw new PipelineException($"{name}:{path} is not a regular file", "Point the setting at the file the command writes.");
                if (entry.Length > maxBytes)
                    throw new PipelineException($"{name}:{path} is {entry.Length} bytes, more than the {maxBytes} read", "Write a smaller file.");
                using var copy = new MemoryStream();
                entry.DataStream.CopyTo(copy);
                return copy.ToArray();
            }, cancellation);
        }
        catch (DockerApiException missing) when (missing.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private static async Task<MemoryStream> ReadBoundedAsync(Stream stream, long limit, string name, string path, CancellationToken token)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        while (true)
        {
            int read;
            try
            {
                read = await stream.ReadAsync(chunk, token);
            }
            catch (EndOfStreamException)
            {
                break;
            }
            if (read == 0) break;
            buffer.Write(chunk, 0, read);
            if (buffer.Length > limit)
                throw new PipelineException($"{name}:{path} is more than the {limit} bytes read", "Write a smaller file.");
        }
        buffer.Position = 0;
        return buffer;
    }
}
