"""boto3 helpers for test_moto_launcher.py: one Env per test against a reset moto."""

from __future__ import annotations

import json
import re
import time

from conftest import client

TERM = "autoscaling:EC2_INSTANCE_TERMINATING"
LAUNCH = "autoscaling:EC2_INSTANCE_LAUNCHING"
ROLE = "arn:aws:iam::123456789012:role/hook-role"
RAW_KEYS = ["Origin", "LifecycleHookName", "Destination", "AccountId", "RequestId",
            "LifecycleTransition", "AutoScalingGroupName", "Service", "Time", "EC2InstanceId",
            "LifecycleActionToken"]
TIME_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class Env:
    def __init__(self, url):
        self.url = url
        self.asg, self.ec2 = client("autoscaling", url), client("ec2", url)
        self.sqs, self.events = client("sqs", url), client("events", url)

    def queue(self, name):
        q = self.sqs.create_queue(QueueName=name)["QueueUrl"]
        arn = self.sqs.get_queue_attributes(QueueUrl=q, AttributeNames=["QueueArn"])
        return q, arn["Attributes"]["QueueArn"]

    def messages(self, queue_url, want=1, timeout=5.0):
        out, end = [], time.time() + timeout
        while len(out) < want and time.time() < end:
            got = self.sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10,
                                           WaitTimeSeconds=0).get("Messages", [])
            for m in got:
                self.sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=m["ReceiptHandle"])
                out.append(json.loads(m["Body"]))
            if not got:
                time.sleep(0.1)
        return out

    def group(self, name="g", desired=2, **extra):
        self.asg.create_launch_configuration(LaunchConfigurationName=name + "-lc",
                                             ImageId="ami-12c6146b", InstanceType="t3.micro")
        self.asg.create_auto_scaling_group(
            AutoScalingGroupName=name, LaunchConfigurationName=name + "-lc", MinSize=0,
            MaxSize=10, DesiredCapacity=desired, AvailabilityZones=["us-east-1a"], **extra)

    def hook(self, group="g", name="drain", transition=TERM, target=None, **extra):
        if target:
            extra.update(NotificationTargetARN=target, RoleARN=ROLE)
        self.asg.put_lifecycle_hook(AutoScalingGroupName=group, LifecycleHookName=name,
                                    LifecycleTransition=transition, **extra)

    def states(self, group="g"):
        g = self.asg.describe_auto_scaling_groups(AutoScalingGroupNames=[group])["AutoScalingGroups"][0]
        return {i["InstanceId"]: i["LifecycleState"] for i in g["Instances"]}

    def instance_states(self):
        out = self.asg.describe_auto_scaling_instances()["AutoScalingInstances"]
        return {i["InstanceId"]: i["LifecycleState"] for i in out}

    def ec2_state(self, instance_id):
        r = self.ec2.describe_instances(InstanceIds=[instance_id])["Reservations"]
        return r[0]["Instances"][0]["State"]["Name"]

    def wait_for(self, predicate, timeout=6.0):
        end = time.time() + timeout
        while time.time() < end:
            if predicate():
                return True
            time.sleep(0.2)
        return predicate()


def error_of(excinfo):
    err = excinfo.value.response
    return err["ResponseMetadata"]["HTTPStatusCode"], err["Error"]["Code"], err["Error"]["Message"]
