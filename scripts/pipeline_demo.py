"""The MPS task callback pipeline, scripted with Tencent's official Python SDK.

Creates a function from the MPS Webhook template, authorizes SCF_QcsRole and MPS_QcsRole,
binds the MPS trigger (WorkflowTask), uploads a video to COS, runs ProcessMedia, then finds
the invocation log carrying the task's TaskId and the summary object in COS.

Usage (against the console's emulator; see README):
    python3 scripts/pipeline_demo.py ENDPOINT SECRET_ID SECRET_KEY APP_ID
e.g. ENDPOINT 127.0.0.1:3900 and the output of `server emulator-account`.
Needs: pip install tencentcloud-sdk-python-cam tencentcloud-sdk-python-scf
"""
import hashlib
import hmac
import json
import sys
import time
import urllib.parse
import urllib.request

from tencentcloud.cam.v20190116 import cam_client, models as cam_models
from tencentcloud.common import credential
from tencentcloud.common.common_client import CommonClient
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.scf.v20180416 import models as scf_models, scf_client

ENDPOINT, SECRET_ID, SECRET_KEY, APP_ID = sys.argv[1:5]
REGION = "ap-beijing"
CRED = credential.Credential(SECRET_ID, SECRET_KEY)
PROFILE = ClientProfile(httpProfile=HttpProfile(protocol="http", endpoint=ENDPOINT))
IN_BUCKET, OUT_BUCKET = "mps-in-" + APP_ID, "mps-out-" + APP_ID
FUNCTION = "MPSAnalysis"


def step(text):
    print("==> " + text, flush=True)


def model(cls, **fields):
    req = cls()
    req.from_json_string(json.dumps(fields))
    return req


def cos(method, bucket, key="", body=b""):
    """A COS XML API call signed with q-sign (path-style on the emulator)."""
    host = "%s.cos.%s.myqcloud.com" % (bucket, REGION)
    now = int(time.time())
    key_time = "%d;%d" % (now - 60, now + 600)
    path = "/" + key
    http_string = "%s\n%s\n\nhost=%s\n" % (method.lower(), path, urllib.parse.quote(host, safe=""))
    string_to_sign = "sha1\n%s\n%s\n" % (key_time, hashlib.sha1(http_string.encode()).hexdigest())
    sign_key = hmac.new(SECRET_KEY.encode(), key_time.encode(), hashlib.sha1).hexdigest()
    signature = hmac.new(sign_key.encode(), string_to_sign.encode(), hashlib.sha1).hexdigest()
    auth = ("q-sign-algorithm=sha1&q-ak=%s&q-sign-time=%s&q-key-time=%s&q-header-list=host"
            "&q-url-param-list=&q-signature=%s") % (SECRET_ID, key_time, key_time, signature)
    url = "http://%s/cos/%s%s" % (ENDPOINT, bucket, urllib.parse.quote(path) if key else "")
    req = urllib.request.Request(url, data=body if method == "PUT" else None, method=method,
                                 headers={"Host": host, "Authorization": auth})
    try:
        with urllib.request.urlopen(req) as res:
            return res.status, res.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


cam = cam_client.CamClient(CRED, "", PROFILE)
scf = scf_client.ScfClient(CRED, REGION, PROFILE)
mps = CommonClient("mps", "2019-06-12", CRED, REGION, profile=PROFILE)

step("authorize the service roles SCF_QcsRole and MPS_QcsRole")
for role, service, policy in [("SCF_QcsRole", "scf.qcloud.com", "QcloudAccessForScfRole"),
                              ("MPS_QcsRole", "mps.cloud.tencent.com", "QcloudAccessForMPSRole")]:
    try:
        cam.GetRole(model(cam_models.GetRoleRequest, RoleName=role))
        print("    %s already exists" % role)
    except TencentCloudSDKException as err:
        if err.get_code() != "InvalidParameter.RoleNotExist":
            raise
        trust = {"version": "2.0", "statement": [{"action": "name/sts:AssumeRole", "effect": "allow",
                                                  "principal": {"service": service}}]}
        cam.CreateRole(model(cam_models.CreateRoleRequest, RoleName=role, PolicyDocument=json.dumps(trust)))
        print("    created %s" % role)
    cam.AttachRolePolicy(model(cam_models.AttachRolePolicyRequest, PolicyName=policy, AttachRoleName=role))

step("create the buckets and upload a video")
for bucket in (IN_BUCKET, OUT_BUCKET):
    status, body = cos("PUT", bucket)
    assert status in (200, 409), body
status, body = cos("PUT", IN_BUCKET, "upload/demo.mp4", b"not really a video")
assert status == 200, body

step("create %s from the MPS Webhook template (Nodejs8.9)" % FUNCTION)
try:
    scf.CreateFunction(model(scf_models.CreateFunctionRequest, FunctionName=FUNCTION, Runtime="Nodejs8.9",
                             Handler="index.main_handler", MemorySize=128, Timeout=3, Role="SCF_QcsRole",
                             CodeSource="Demo", Code={"DemoId": "demo-nodejs89-mps-webhook"},
                             Environment={"Variables": [{"Key": "COS_BUCKET", "Value": OUT_BUCKET},
                                                        {"Key": "COS_REGION", "Value": REGION}]}))
except TencentCloudSDKException as err:
    if err.get_code() != "ResourceInUse.FunctionName":
        raise
    print("    %s already exists" % FUNCTION)
for _ in range(50):
    if scf.GetFunction(model(scf_models.GetFunctionRequest, FunctionName=FUNCTION)).Status == "Active":
        break
    time.sleep(0.2)

step("bind the MPS trigger: WorkflowTask -> %s" % FUNCTION)
try:
    bound = mps.call_json("BindTrigger", {"ScfRegion": REGION, "EventType": "WorkflowTask",
                                          "FunctionName": FUNCTION, "Namespace": "default"})
    print("    ResourceId " + bound["Response"]["ResourceId"])
except TencentCloudSDKException as err:
    if err.get_code() != "ResourceInUse.Trigger":
        raise
    print("    " + err.get_message())

step("run ProcessMedia on the video")
task = mps.call_json("ProcessMedia", {
    "InputInfo": {"Type": "COS", "CosInputInfo": {"Bucket": IN_BUCKET, "Region": REGION, "Object": "/upload/demo.mp4"}},
    "OutputStorage": {"Type": "COS", "CosOutputStorage": {"Bucket": OUT_BUCKET, "Region": REGION}},
    "OutputDir": "/output/", "MediaProcessTask": {"TranscodeTaskSet": [{"Definition": 10}]}})
task_id = task["Response"]["TaskId"]
print("    TaskId " + task_id)

step("find the invocation in the function's logs")
log = None
for _ in range(150):
    logs = scf.GetFunctionLogs(model(scf_models.GetFunctionLogsRequest, FunctionName=FUNCTION, Limit=100))
    log = next((d for d in logs.Data if task_id in d.Log), None)
    if log:
        break
    time.sleep(0.2)
assert log, "no invocation log carries " + task_id
print("    RequestId %s RetCode %s Duration %.1f ms" % (log.RequestId, log.RetCode, log.Duration))
print("    " + log.Log.replace("\n", "\n    "))
assert log.RetCode == 0, log.Log

step("read the summary the function stored in COS")
summary_key = json.loads(log.RetMsg)["SummaryKey"]
status, body = cos("GET", OUT_BUCKET, summary_key)
assert status == 200, body
summary = json.loads(body)
assert summary["TaskId"] == task_id, summary
print("    cos://%s/%s" % (OUT_BUCKET, summary_key))
print("    " + json.dumps(summary, ensure_ascii=False))
print("pipeline ok: TaskId %s reached %s and its summary is in COS" % (task_id, FUNCTION))
