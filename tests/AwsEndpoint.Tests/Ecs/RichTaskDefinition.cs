using System.Text.Json.Nodes;

namespace AwsEndpoint.Tests.Ecs;

/// <summary>A task definition using every member RegisterTaskDefinition accepts, and the container members a real
/// service's definition carries (env, secrets references, log configuration, cpu/memory, health check, port
/// mappings, volumes, tags): what DeployProduction must clone without losing anything.</summary>
public static class RichTaskDefinition
{
    public static JsonObject Create(string family) => JsonNode.Parse("""
        {
          "family": "FAMILY",
          "taskRoleArn": "arn:aws:iam::000000000000:role/sample-app-task",
          "executionRoleArn": "arn:aws:iam::000000000000:role/ecsTaskExecutionRole",
          "networkMode": "bridge",
          "containerDefinitions": [
            {
              "name": "app",
              "image": "127.0.0.1:5000/sample-app:master-0123abc",
              "cpu": 256,
              "memory": 512,
              "memoryReservation": 256,
              "portMappings": [{"containerPort": 3000, "hostPort": 0, "protocol": "tcp", "name": "http", "appProtocol": "http"}],
              "essential": true,
              "entryPoint": ["tini", "--"],
              "command": ["node", "src/index.js"],
              "environment": [{"name": "NODE_ENV", "value": "production"}, {"name": "MYSQL_HOST", "value": "mysql"}],
              "environmentFiles": [{"value": "arn:aws:s3:::sample-app-config/production.env", "type": "s3"}],
              "mountPoints": [{"sourceVolume": "uploads", "containerPath": "/app/uploads", "readOnly": false}],
              "volumesFrom": [],
              "secrets": [
                {"name": "MYSQL_PASSWORD", "valueFrom": "arn:aws:ssm:us-east-1:000000000000:parameter/sample-app/mysql-password"},
                {"name": "SESSION_SECRET", "valueFrom": "arn:aws:secretsmanager:us-east-1:000000000000:secret:sample-app/session-AbCdEf"}
              ],
              "dependsOn": [{"containerName": "log-router", "condition": "START"}],
              "startTimeout": 60,
              "stopTimeout": 30,
              "workingDirectory": "/app",
              "user": "node",
              "readonlyRootFilesystem": false,
              "dockerLabels": {"team": "web", "com.example.tier": "frontend"},
              "ulimits": [{"name": "nofile", "softLimit": 65536, "hardLimit": 65536}],
              "logConfiguration": {
                "logDriver": "awslogs",
                "options": {"awslogs-group": "/ecs/sample-app", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "app"}
              },
              "healthCheck": {
                "command": ["CMD-SHELL", "node -e \"require('http').get('http://127.0.0.1:3000/healthcheck',r=>process.exit(r.statusCode==200?0:1))\""],
                "interval": 30, "timeout": 5, "retries": 3, "startPeriod": 10
              },
              "linuxParameters": {"initProcessEnabled": true},
              "systemControls": [{"namespace": "net.core.somaxconn", "value": "1024"}]
            },
            {
              "name": "log-router",
              "image": "127.0.0.1:5000/sandbox/debian:bookworm",
              "essential": false,
              "memory": 64,
              "command": ["sleep", "infinity"]
            }
          ],
          "volumes": [
            {"name": "uploads", "host": {"sourcePath": "/srv/sample-app/uploads"}},
            {"name": "scratch", "dockerVolumeConfiguration": {"scope": "task", "driver": "local", "labels": {"purpose": "scratch"}}}
          ],
          "placementConstraints": [{"type": "memberOf", "expression": "attribute:ecs.instance-type =~ t3.*"}],
          "requiresCompatibilities": ["EC2"],
          "cpu": "512",
          "memory": "1024",
          "tags": [{"key": "app", "value": "sample-app"}, {"key": "env", "value": "production"}],
          "pidMode": "task",
          "ipcMode": "task",
          "proxyConfiguration": {"type": "APPMESH", "containerName": "log-router", "properties": [{"name": "AppPorts", "value": "3000"}]},
          "inferenceAccelerators": [{"deviceName": "device1", "deviceType": "eia2.medium"}],
          "ephemeralStorage": {"sizeInGiB": 30},
          "runtimePlatform": {"cpuArchitecture": "X86_64", "operatingSystemFamily": "LINUX"}
        }
        """.Replace("FAMILY", family))!.AsObject();
}
