#!/usr/bin/env python3
"""Many terminate hooks at once, for the scale-in chaos test and the burst benchmark (boto3 against
moto with moto_launcher.py's lifecycle hooks; setup and checks never go through ranchhand's code).

Usage: scale_in_fleet.py --endpoint URL COMMAND 'JSON-ARGUMENTS'   (prints one JSON object)

  create     {name, groups: [{suffix, size, retain?}], heartbeatTimeout=300, visibilityTimeout?, maxReceiveCount?}
             -> {queueUrl, queueArn, groups: [{group, instanceIds}]}
             One SQS queue ``<name>-hook`` (with the visibility timeout, and with maxReceiveCount a
             redrive policy to ``<name>-hook-dlq``, when given); one launch-configuration group ``<name>-<suffix>`` of
             ``size`` instances per entry, each with a terminate hook (DefaultResult ABANDON)
             notifying that queue. The hooks' TEST_NOTIFICATIONs are purged.
  terminate  {instanceIds: [...]} -> {terminated}
             TerminateInstanceInAutoScalingGroup (decrementing) for each: every instance goes to
             Terminating:Wait and its hook's notification lands in the queue.
  states     {groups: [...], instanceIds: [...]}
             -> {lifecycle: {instanceId: state}, ec2: {instanceId: state}}
             Lifecycle states of every instance still in the groups; EC2 states of the given ids.
"""
import argparse
import json
import sys

import boto3
from botocore.config import Config

REGION = "us-east-1"
TERMINATING = "autoscaling:EC2_INSTANCE_TERMINATING"


def client(service, endpoint):
    return boto3.client(service, endpoint_url=endpoint, region_name=REGION,
                        aws_access_key_id="testing", aws_secret_access_key="testing",
                        config=Config(retries={"total_max_attempts": 3}))


def create(e, a):
    asg, sqs = client("autoscaling", e), client("sqs", e)
    name = a["name"]
    attributes = {}
    if a.get("visibilityTimeout") is not None:
        attributes["VisibilityTimeout"] = str(int(a["visibilityTimeout"]))
    if a.get("maxReceiveCount") is not None:  # a dead-letter queue, as infra/handlers.yaml gives the hook queue
        dlq_url = sqs.create_queue(QueueName=name + "-hook-dlq")["QueueUrl"]
        dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        attributes["RedrivePolicy"] = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": int(a["maxReceiveCount"])})
    queue_url = sqs.create_queue(QueueName=name + "-hook", Attributes=attributes)["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    asg.create_launch_configuration(LaunchConfigurationName=name + "-lc", ImageId="ami-12c6146b",
                                    InstanceType="t3.micro")
    groups = []
    for spec in a["groups"]:
        group = "%s-%s" % (name, spec["suffix"])
        size = int(spec["size"])
        asg.create_auto_scaling_group(AutoScalingGroupName=group, LaunchConfigurationName=name + "-lc",
                                      MinSize=0, MaxSize=max(size, 1), DesiredCapacity=size,
                                      AvailabilityZones=[REGION + "a"])
        if spec.get("retain"):  # TerminateHookAbandon=retain, as infra/ gives control-plane groups
            asg.update_auto_scaling_group(AutoScalingGroupName=group, InstanceLifecyclePolicy={
                "RetentionTriggers": {"TerminateHookAbandon": "retain"}})
        asg.put_lifecycle_hook(AutoScalingGroupName=group, LifecycleHookName="ranchhand-scale-in",
                               LifecycleTransition=TERMINATING,
                               HeartbeatTimeout=a.get("heartbeatTimeout", 300), DefaultResult="ABANDON",
                               NotificationTargetARN=queue_arn,
                               RoleARN="arn:aws:iam::123456789012:role/hook-role")
        found = asg.describe_auto_scaling_groups(AutoScalingGroupNames=[group])["AutoScalingGroups"][0]
        groups.append({"group": group, "instanceIds": sorted(i["InstanceId"] for i in found["Instances"])})
    sqs.purge_queue(QueueUrl=queue_url)
    return {"queueUrl": queue_url, "queueArn": queue_arn, "groups": groups}


def terminate(e, a):
    asg = client("autoscaling", e)
    for instance in a["instanceIds"]:
        asg.terminate_instance_in_auto_scaling_group(InstanceId=instance, ShouldDecrementDesiredCapacity=True)
    return {"terminated": len(a["instanceIds"])}


def states(e, a):
    asg, ec2 = client("autoscaling", e), client("ec2", e)
    lifecycle = {}
    names = a.get("groups", [])
    for start in range(0, len(names), 50):
        found = asg.describe_auto_scaling_groups(AutoScalingGroupNames=names[start:start + 50])
        for g in found["AutoScalingGroups"]:
            for i in g["Instances"]:
                lifecycle[i["InstanceId"]] = i["LifecycleState"]
    machine = {}
    ids = a.get("instanceIds", [])
    if ids:
        for page in ec2.get_paginator("describe_instances").paginate(InstanceIds=ids):
            for r in page["Reservations"]:
                for i in r["Instances"]:
                    machine[i["InstanceId"]] = i["State"]["Name"]
    return {"lifecycle": lifecycle, "ec2": machine}


COMMANDS = {"create": create, "terminate": terminate, "states": states}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--endpoint", required=True)
    p.add_argument("command", choices=sorted(COMMANDS))
    p.add_argument("arguments", nargs="?", default="{}")
    args = p.parse_args(argv)
    json.dump(COMMANDS[args.command](args.endpoint, json.loads(args.arguments)), sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
