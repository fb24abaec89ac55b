"""The MPS task callback pipeline, scripted with Tencent's official Python SDKs.

Creates a function from the MPS Webhook template, authorizes SCF_QcsRole and MPS_QcsRole,
binds the MPS trigger (WorkflowTask), uploads a video to COS, runs ProcessMedia, then finds
the invocation log carrying the task's TaskId and the summary object in COS.

Usage (against the console's emulator; see README):
    python3 scripts/pipeline_demo.py ENDPOINT SECRET_ID SECRET_KEY APP_ID
e.g. ENDPOINT 127.0.0.1:3900 and the output of `server emulator-account`.
Needs: pip install tencentcloud-sdk-python-cam tencentcloud-sdk-python-scf
    tencentcloud-sdk-python-mps cos-python-sdk-v5
"""
import json
import sys
import time

from qcloud_cos import CosConfig, CosS3Client
from qcloud_cos.cos_exception import CosServiceError
from tencentcloud.cam.v20190116 import cam_client, models as cam_models
from tencentcloud.common import credential
from tencentcloud.common.common_client import CommonClient
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.mps.v20190612 import models as mps_models, mps_client
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


cam = cam_client.CamClient(CRED, "", PROFILE)
scf = scf_client.ScfClient(CRED, REGION, PROFILE)
mps = mps_client.MpsClient(CRED, REGION, PROFILE)
# BindTrigger is not in the MPS SDK's model (see README): sent through the common client.
mps_common = CommonClient("mps", "2019-06-12", CRED, REGION, profile=PROFILE)
# COS SDKs address <bucket>.cos.<region>.myqcloud.com: the emulator is their HTTP proxy.
cos = CosS3Client(CosConfig(Region=REGION, SecretId=SECRET_ID, SecretKey=SECRET_KEY, Scheme="http",
                            Proxies={"http": "http://" + ENDPOINT}))

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
    try:
        cos.create_bucket(Bucket=bucket)
    except CosServiceError as err:
        if err.get_error_code() != "BucketAlreadyOwnedByYou":
            raise
cos.put_object(Bucket=IN_BUCKET, Key="upload/demo.mp4", Body=b"not really a video")

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
    bound = mps_common.call_json("BindTrigger", {"ScfRegion": REGION, "EventType": "WorkflowTask",
                                          "FunctionName": FUNCTION, "Namespace": "default"})
    print("    ResourceId " + bound["Response"]["ResourceId"])
except TencentCloudSDKException as err:
    if err.get_code() != "ResourceInUse.Trigger":
        raise
    print("    " + err.get_message())

step("run ProcessMedia on the video")
task_id = mps.ProcessMedia(model(
    mps_models.ProcessMediaRequest,
    InputInfo={"Type": "COS", "CosInputInfo": {"Bucket": IN_BUCKET, "Region": REGION, "Object": "/upload/demo.mp4"}},
    OutputStorage={"Type": "COS", "CosOutputStorage": {"Bucket": OUT_BUCKET, "Region": REGION}},
    OutputDir="/output/", MediaProcessTask={"TranscodeTaskSet": [{"Definition": 10}]})).TaskId
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
body = cos.get_object(Bucket=OUT_BUCKET, Key=summary_key)["Body"].get_raw_stream().read()
summary = json.loads(body)
assert summary["TaskId"] == task_id, summary
print("    cos://%s/%s" % (OUT_BUCKET, summary_key))
print("    " + json.dumps(summary, ensure_ascii=False))
print("pipeline ok: TaskId %s reached %s and its summary is in COS" % (task_id, FUNCTION))
