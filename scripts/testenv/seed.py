#!/usr/bin/env python3
"""Create and inspect test fixtures in moto through boto3 -- a client independent of ranchhand's.

Usage: seed.py --endpoint URL COMMAND 'JSON-ARGUMENTS'

Prints one JSON object on stdout. Swift tests (RanchhandTestSupport's ``Seed``) run it so that
test setup, and checks of what a call changed, never go through the code under test. Every name
is chosen by the caller (tests use unique names; nothing here resets moto). Commands:

  group          {name, desired=2, hook?: {name, heartbeatTimeout=300, defaultResult=ABANDON},
                  queue?: bool}  -> {group, instanceIds, hook, queueUrl, queueArn}
                 A launch-configuration group in us-east-1a; with ``queue`` the terminate hook
                 notifies a new SQS queue ``<name>-hook`` (its TEST_NOTIFICATION is drained).
  terminate      {instanceId, decrement=true} -> {activity}
  group-states   {name} -> {states: {instanceId: lifecycleState}}
  ec2-states     {instanceIds: [...]} -> {states: {instanceId: ec2StateName}}
  instances      {count, tags: {k: v}, reservations=1} -> {instanceIds}  (count per reservation)
  parameters     {parameters: [{name, type, value}]} -> {names}
  zone           {name, records: [{name, type, ttl, values}]} -> {zoneId}
  records        {zoneId} -> {records: [{name, type, ttl?, values, setIdentifier?, alias?}]}
  load-balancer  {name} -> {arn, dnsName, canonicalHostedZoneId}
  metrics        {namespace, metricName, dimensions: {k: v}, points: [{timestamp, value}]} -> {}
  metric-sum     {namespace, metricName, dimensions, start, end, period} -> {sum, count}
  queue          {name, messages: [{body, attributes: {k: v}}]} -> {queueUrl, queueArn}
  queue-counts   {queueUrl} -> {visible, inFlight}
  send           {queueUrl, body} -> {messageId}  (into an existing queue)
  iam-user       {name} -> {accessKeyId, secretAccessKey}  (bootstrap for --check-signatures moto)

Timestamps are epoch seconds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys

import boto3
from botocore.config import Config

REGION = "us-east-1"
TERMINATING = "autoscaling:EC2_INSTANCE_TERMINATING"


def client(service, endpoint):
    return boto3.client(service, endpoint_url=endpoint, region_name=REGION,
                        aws_access_key_id="testing", aws_secret_access_key="testing",
                        config=Config(retries={"total_max_attempts": 1}))


def epoch(value):
    return dt.datetime.fromtimestamp(float(value), tz=dt.timezone.utc)


def group(e, a):
    asg, sqs = client("autoscaling", e), client("sqs", e)
    name = a["name"]
    asg.create_launch_configuration(LaunchConfigurationName=name + "-lc", ImageId="ami-12c6146b",
                                    InstanceType="t3.micro")
    asg.create_auto_scaling_group(AutoScalingGroupName=name, LaunchConfigurationName=name + "-lc",
                                  MinSize=0, MaxSize=10, DesiredCapacity=a.get("desired", 2),
                                  AvailabilityZones=[REGION + "a"])
    if a.get("retain"):  # TerminateHookAbandon=retain: ABANDON on a terminate hook keeps the instance
        asg.update_auto_scaling_group(AutoScalingGroupName=name, InstanceLifecyclePolicy={
            "RetentionTriggers": {"TerminateHookAbandon": "retain"}})
    out = {"group": name, "hook": None, "queueUrl": None, "queueArn": None}
    hook = a.get("hook")
    if hook:
        extra = {}
        if a.get("queue"):
            out["queueUrl"] = sqs.create_queue(QueueName=name + "-hook")["QueueUrl"]
            attrs = sqs.get_queue_attributes(QueueUrl=out["queueUrl"], AttributeNames=["QueueArn"])
            out["queueArn"] = attrs["Attributes"]["QueueArn"]
            extra = {"NotificationTargetARN": out["queueArn"],
                     "RoleARN": "arn:aws:iam::123456789012:role/hook-role"}
        asg.put_lifecycle_hook(AutoScalingGroupName=name, LifecycleHookName=hook["name"],
                               LifecycleTransition=TERMINATING,
                               HeartbeatTimeout=hook.get("heartbeatTimeout", 300),
                               DefaultResult=hook.get("defaultResult", "ABANDON"), **extra)
        out["hook"] = hook["name"]
        if out["queueUrl"]:  # drop the TEST_NOTIFICATION so tests see only real actions
            sqs.purge_queue(QueueUrl=out["queueUrl"])
    groups = asg.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"]
    out["instanceIds"] = sorted(i["InstanceId"] for i in groups[0]["Instances"])
    return out


def terminate(e, a):
    r = client("autoscaling", e).terminate_instance_in_auto_scaling_group(
        InstanceId=a["instanceId"], ShouldDecrementDesiredCapacity=a.get("decrement", True))
    return {"activity": r["Activity"]["StatusCode"]}


def group_states(e, a):
    g = client("autoscaling", e).describe_auto_scaling_groups(
        AutoScalingGroupNames=[a["name"]])["AutoScalingGroups"]
    return {"states": {i["InstanceId"]: i["LifecycleState"] for i in (g[0]["Instances"] if g else [])}}


def ec2_states(e, a):
    out = {}
    pages = client("ec2", e).get_paginator("describe_instances").paginate(InstanceIds=a["instanceIds"])
    for page in pages:
        for r in page["Reservations"]:
            for i in r["Instances"]:
                out[i["InstanceId"]] = i["State"]["Name"]
    return {"states": out}


def instances(e, a):
    tags = [{"Key": k, "Value": v} for k, v in a.get("tags", {}).items()]
    spec = [{"ResourceType": "instance", "Tags": tags}] if tags else []
    ids = []
    for _ in range(a.get("reservations", 1)):  # moto pages DescribeInstances by reservation
        r = client("ec2", e).run_instances(ImageId="ami-12c6146b", InstanceType="t3.micro",
                                           MinCount=a["count"], MaxCount=a["count"],
                                           TagSpecifications=spec)
        ids += [i["InstanceId"] for i in r["Instances"]]
    return {"instanceIds": sorted(ids)}


def parameters(e, a):
    ssm = client("ssm", e)
    for p in a["parameters"]:
        ssm.put_parameter(Name=p["name"], Type=p.get("type", "String"), Value=p["value"], Overwrite=True)
    return {"names": [p["name"] for p in a["parameters"]]}


def zone(e, a):
    r53 = client("route53", e)
    zone_id = r53.create_hosted_zone(Name=a["name"], CallerReference=a["name"])["HostedZone"]["Id"]
    records = a.get("records", [])
    for start in range(0, len(records), 400):  # < 1000 values per batch
        changes = [{"Action": "CREATE", "ResourceRecordSet": {
            "Name": r["name"], "Type": r["type"], "TTL": r.get("ttl", 300),
            "ResourceRecords": [{"Value": v} for v in r["values"]]}} for r in records[start:start + 400]]
        r53.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={"Changes": changes})
    return {"zoneId": zone_id.split("/")[-1]}


def records(e, a):
    out = []
    pages = client("route53", e).get_paginator("list_resource_record_sets").paginate(
        HostedZoneId=a["zoneId"])
    for page in pages:
        for r in page["ResourceRecordSets"]:
            item = {"name": r["Name"], "type": r["Type"],
                    "values": [v["Value"] for v in r.get("ResourceRecords", [])]}
            if "AliasTarget" in r:
                item["alias"] = {"hostedZoneId": r["AliasTarget"]["HostedZoneId"],
                                 "dnsName": r["AliasTarget"]["DNSName"]}
            elif "TTL" in r:
                item["ttl"] = r["TTL"]
            if "SetIdentifier" in r:
                item["setIdentifier"] = r["SetIdentifier"]
            out.append(item)
    return {"records": out}


def load_balancer(e, a):
    ec2, elb = client("ec2", e), client("elbv2", e)
    vpc = ec2.create_vpc(CidrBlock="10.77.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.77.{n}.0/24",
                                 AvailabilityZone=REGION + z)["Subnet"]["SubnetId"]
               for n, z in ((1, "a"), (2, "b"))]
    lb = elb.create_load_balancer(Name=a["name"], Subnets=subnets, Type="application",
                                  Scheme="internet-facing")["LoadBalancers"][0]
    return {"arn": lb["LoadBalancerArn"], "dnsName": lb["DNSName"],
            "canonicalHostedZoneId": lb["CanonicalHostedZoneId"]}


def dimensions(a):
    return [{"Name": k, "Value": v} for k, v in sorted(a.get("dimensions", {}).items())]


def metrics(e, a):
    data = [{"MetricName": a["metricName"], "Dimensions": dimensions(a),
             "Timestamp": epoch(p["timestamp"]), "Value": p["value"]} for p in a["points"]]
    cw = client("cloudwatch", e)
    for start in range(0, len(data), 500):
        cw.put_metric_data(Namespace=a["namespace"], MetricData=data[start:start + 500])
    return {}


def metric_sum(e, a):
    r = client("cloudwatch", e).get_metric_statistics(
        Namespace=a["namespace"], MetricName=a["metricName"], Dimensions=dimensions(a),
        StartTime=epoch(a["start"]), EndTime=epoch(a["end"]), Period=a["period"],
        Statistics=["Sum", "SampleCount"])
    points = r["Datapoints"]
    return {"sum": sum(p["Sum"] for p in points), "count": sum(p["SampleCount"] for p in points)}


def queue(e, a):
    sqs = client("sqs", e)
    url = sqs.create_queue(QueueName=a["name"])["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    for m in a.get("messages", []):
        attrs = {k: {"DataType": "String", "StringValue": v} for k, v in m.get("attributes", {}).items()}
        sqs.send_message(QueueUrl=url, MessageBody=m["body"], MessageAttributes=attrs)
    return {"queueUrl": url, "queueArn": arn}


def send(e, a):
    """One message into an existing queue, as an EventBridge rule with an SQS target delivers it."""
    return {"messageId": client("sqs", e).send_message(QueueUrl=a["queueUrl"], MessageBody=a["body"])["MessageId"]}


def queue_counts(e, a):
    attrs = client("sqs", e).get_queue_attributes(
        QueueUrl=a["queueUrl"],
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
    return {"visible": int(attrs["ApproximateNumberOfMessages"]),
            "inFlight": int(attrs["ApproximateNumberOfMessagesNotVisible"])}


def iam_user(e, a):
    iam = client("iam", e)
    iam.create_user(UserName=a["name"])
    key = iam.create_access_key(UserName=a["name"])["AccessKey"]
    iam.put_user_policy(UserName=a["name"], PolicyName="all", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
    return {"accessKeyId": key["AccessKeyId"], "secretAccessKey": key["SecretAccessKey"]}


def lease_table(e, a):
    """The scale-in deletion lease table, as infra/handlers.yaml declares it (partition key `lease`)."""
    ddb = client("dynamodb", e)
    try:
        ddb.create_table(TableName=a["name"], BillingMode="PAY_PER_REQUEST",
                         AttributeDefinitions=[{"AttributeName": "lease", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "lease", "KeyType": "HASH"}])
    except ddb.exceptions.ResourceInUseException:
        pass  # one table per cluster name, shared by the tests that render the same stack
    return {"name": a["name"]}


COMMANDS = {
    "group": group, "terminate": terminate, "group-states": group_states, "ec2-states": ec2_states,
    "instances": instances, "parameters": parameters, "zone": zone, "records": records,
    "load-balancer": load_balancer, "metrics": metrics, "metric-sum": metric_sum, "queue": queue,
    "queue-counts": queue_counts, "send": send, "iam-user": iam_user, "lease-table": lease_table,
}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--endpoint", required=True)
    p.add_argument("command", choices=sorted(COMMANDS))
    p.add_argument("arguments", nargs="?", default="{}")
    args = p.parse_args(argv)
    result = COMMANDS[args.command](args.endpoint, json.loads(args.arguments))
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
