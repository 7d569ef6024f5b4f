"""Ready-made AWS error responses for fault_proxy.py (``{"fault": {"preset": NAME}}``).

Each preset is a function of the request (for the Query namespace / JSON content type)
returning ``(status, headers, body_bytes)``. The Route53 bodies are byte-for-byte the
recorded samples in /work/shared/reference/samples/dns/ (boto/boto test fixtures at
08f3719879e0a2c06381f8bdf52a5bcff7b8e09a, real-looking RequestIds), trailing newline
included.
"""

from __future__ import annotations

import uuid

QUERY_NAMESPACES = {
    "autoscaling": "http://autoscaling.amazonaws.com/doc/2011-01-01/",
    "monitoring": "http://monitoring.amazonaws.com/doc/2010-08-01/",
    "sts": "https://sts.amazonaws.com/doc/2011-06-15/",
    "elasticloadbalancing": "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/",
    "iam": "https://iam.amazonaws.com/doc/2010-05-08/",
    "sns": "http://sns.amazonaws.com/doc/2010-03-31/",
    "sqs": "http://queue.amazonaws.com/doc/2012-11-05/",
}

ROUTE53_THROTTLING = (
    '<?xml version="1.0"?>\n<ErrorResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/">'
    "<Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error>"
    "<RequestId>19d0a9a0-f3d9-11e4-a611-c321a3a00f9c</RequestId></ErrorResponse>\n")
ROUTE53_PRIOR_REQUEST_NOT_COMPLETE = (
    '<?xml version="1.0"?>\n<ErrorResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/">'
    "<Error><Type>Sender</Type><Code>PriorRequestNotComplete</Code><Message>The request was "
    "rejected because Route 53 was still processing a prior request.</Message></Error>"
    "<RequestId>12d222a0-f3d9-11e4-a611-c321a3a00f9c</RequestId></ErrorResponse>\n")
HTML_500 = (
    "<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n"
    "<h1>Internal Server Error</h1>\n<p>The server encountered an internal error and was "
    "unable to complete your request. Either the server is overloaded or there is an error "
    "in the application.</p>\n")


def _rid() -> str:
    return str(uuid.uuid4())


def query_throttling(req):
    ns = QUERY_NAMESPACES.get(req.service or "")
    attr = f' xmlns="{ns}"' if ns else ""
    body = (f"<ErrorResponse{attr}><Error><Type>Sender</Type><Code>Throttling</Code>"
            f"<Message>Rate exceeded</Message></Error><RequestId>{_rid()}</RequestId>"
            "</ErrorResponse>")
    return 400, {"Content-Type": "text/xml"}, body


def ec2_request_limit_exceeded(req):
    body = ('<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error>'
            "<Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message>"
            f"</Error></Errors><RequestID>{_rid()}</RequestID></Response>")
    return 503, {"Content-Type": "text/xml;charset=UTF-8"}, body


def route53_throttling(req):
    return 400, {"Content-Type": "text/xml"}, ROUTE53_THROTTLING


def route53_prior_request_not_complete(req):
    return 400, {"Content-Type": "text/xml"}, ROUTE53_PRIOR_REQUEST_NOT_COMPLETE


def json_throttling(req):
    ctype = req.header("content-type") or ""
    if not ctype.startswith("application/x-amz-json"):
        ctype = "application/x-amz-json-1.1"
    return 400, {"Content-Type": ctype}, '{"__type":"ThrottlingException","message":"Rate exceeded"}'


def html_500(req):
    return 500, {"Content-Type": "text/html; charset=utf-8"}, HTML_500


PRESETS = {
    "query-throttling": query_throttling,
    "ec2-request-limit-exceeded": ec2_request_limit_exceeded,
    "route53-throttling": route53_throttling,
    "route53-prior-request-not-complete": route53_prior_request_not_complete,
    "json-throttling": json_throttling,
    "html-500": html_500,
}


def render(name: str, req):
    """(status, headers, body bytes) for preset ``name``; KeyError if unknown."""
    status, headers, body = PRESETS[name](req)
    headers = dict(headers)
    headers.setdefault("x-amzn-RequestId", _rid())
    return status, headers, body.encode("utf-8")
