"""Drives the emulator with Tencent's official Python SDKs, unchanged but for the endpoint:
tencentcloud-sdk-python (CAM, CLS, SCF, MPS) and cos-python-sdk-v5 (COS, with the emulator as
its HTTP proxy).

Environment: EMU_ENDPOINT (host:port), EMU_SECRET_ID, EMU_SECRET_KEY, EMU_APP_ID.
Prints one line per check; exits non-zero on the first mismatch.
"""
import json
import os
import sys
import time

from qcloud_cos import CosConfig, CosS3Client
from qcloud_cos.cos_exception import CosServiceError
from tencentcloud.cam.v20190116 import cam_client, models as cam_models
from tencentcloud.cls.v20201016 import cls_client, models as cls_models
from tencentcloud.common import credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.mps.v20190612 import models as mps_models, mps_client
from tencentcloud.scf.v20180416 import models as scf_models, scf_client

ENDPOINT = os.environ["EMU_ENDPOINT"]
CRED = credential.Credential(os.environ["EMU_SECRET_ID"], os.environ["EMU_SECRET_KEY"])
TRUST = json.dumps({"version": "2.0", "statement": [{"action": "name/sts:AssumeRole", "effect": "allow",
                                                    "principal": {"service": "scf.qcloud.com"}}]})


def profile():
    return ClientProfile(httpProfile=HttpProfile(protocol="http", endpoint=ENDPOINT))


def request(model, **fields):
    req = model()
    req.from_json_string(json.dumps(fields))
    return req


def expect_error(code, call):
    try:
        call()
    except TencentCloudSDKException as err:
        if err.get_code() != code:
            sys.exit("expected %s, got %s: %s" % (code, err.get_code(), err.get_message()))
        if not err.get_request_id():
            sys.exit("error %s without a RequestId" % code)
        print("ok: %s" % code)
        return
    sys.exit("expected %s, the call succeeded" % code)


def finished_detail(client, task_id):
    """The task's DescribeTaskDetail once FINISH (or the last one after 10 s)."""
    for _ in range(100):
        detail = client.DescribeTaskDetail(request(mps_models.DescribeTaskDetailRequest, TaskId=task_id))
        if detail.Status == "FINISH":
            break
        time.sleep(0.1)
    return detail


cam = cam_client.CamClient(CRED, "", profile())
expect_error("InvalidParameter.RoleNotExist",
             lambda: cam.GetRole(request(cam_models.GetRoleRequest, RoleName="SCF_QcsRole")))
created = cam.CreateRole(request(cam_models.CreateRoleRequest, RoleName="SCF_QcsRole", PolicyDocument=TRUST))
assert created.RoleId and created.RequestId, created.to_json_string()
cam.AttachRolePolicy(request(cam_models.AttachRolePolicyRequest, PolicyName="QcloudAccessForScfRole",
                             AttachRoleName="SCF_QcsRole"))
role = cam.GetRole(request(cam_models.GetRoleRequest, RoleName="SCF_QcsRole"))
assert role.RoleInfo.RoleName == "SCF_QcsRole", role.to_json_string()
print("ok: CAM CreateRole/AttachRolePolicy/GetRole")
cam.CreateRole(request(cam_models.CreateRoleRequest, RoleName="SdkTemp", PolicyDocument=TRUST))
cam.DeleteRole(request(cam_models.DeleteRoleRequest, RoleName="SdkTemp"))
expect_error("InvalidParameter.RoleNotExist",
             lambda: cam.GetRole(request(cam_models.GetRoleRequest, RoleName="SdkTemp")))
print("ok: CAM DeleteRole")

scf = scf_client.ScfClient(CRED, "ap-beijing", profile())
scf.CreateFunction(request(scf_models.CreateFunctionRequest, FunctionName="MPSAnalysis", Runtime="Nodejs8.9",
                           Handler="index.main_handler", MemorySize=128, Timeout=3, CodeSource="Demo",
                           Code={"DemoId": "demo-nodejs89-mps-webhook"}))
listed = scf.ListFunctions(request(scf_models.ListFunctionsRequest, Namespace="default"))
assert listed.TotalCount == 1 and listed.Functions[0].FunctionName == "MPSAnalysis", listed.to_json_string()
got = scf.GetFunction(request(scf_models.GetFunctionRequest, FunctionName="MPSAnalysis"))
assert got.Runtime == "Nodejs8.9" and got.Handler == "index.main_handler", got.to_json_string()
print("ok: SCF CreateFunction/ListFunctions/GetFunction")
# A parameter the action does not define, sent as is through the SDK's generic call.
expect_error("UnknownParameter", lambda: scf.call_json("ListFunctions", {"Namespace": "default", "Limt": 5}))
expect_error("InvalidParameterValue.FunctionName",
             lambda: scf.CreateFunction(request(scf_models.CreateFunctionRequest, FunctionName="1bad",
                                                Runtime="Nodejs8.9", Code={"DemoId": "demo-nodejs89-mps-webhook"})))

# An invocation, and its log lines in the function's CLS topic.
for _ in range(50):
    if scf.GetFunction(request(scf_models.GetFunctionRequest, FunctionName="MPSAnalysis")).Status == "Active":
        break
    time.sleep(0.1)
invoked = scf.Invoke(request(scf_models.InvokeRequest, FunctionName="MPSAnalysis",
                             ClientContext=json.dumps({"EventType": "Other"})))
request_id = invoked.Result.FunctionRequestId
topic = scf.GetFunction(request(scf_models.GetFunctionRequest, FunctionName="MPSAnalysis")).ClsTopicId
cls = cls_client.ClsClient(CRED, "ap-beijing", profile())
now_ms = int(time.time() * 1000)
found = cls.SearchLog(request(cls_models.SearchLogRequest, TopicId=topic, From=now_ms - 3600000, To=now_ms + 60000,
                              QueryString='SCF_RequestId:"%s" AND SCF_Message:Report*' % request_id, Limit=10))
lines = [json.loads(r.LogJson) for r in found.Results]
assert found.ListOver and len(lines) == 1 and lines[0]["SCF_StatusCode"] == "430", found.to_json_string()
print("ok: SCF Invoke, CLS SearchLog")
# InvokeFunction (synchronous, the event in Event) and GetRequestStatus on its request id.
ran = scf.InvokeFunction(request(scf_models.InvokeFunctionRequest, FunctionName="MPSAnalysis",
                                 Event=json.dumps({"EventType": "Other"})))
status = scf.GetRequestStatus(request(scf_models.GetRequestStatusRequest, FunctionName="MPSAnalysis",
                                      FunctionRequestId=ran.Result.FunctionRequestId))
assert status.TotalCount == 1 and status.Data[0].RetCode == -1, status.to_json_string()
assert status.Data[0].RequestId == ran.Result.FunctionRequestId, status.to_json_string()
print("ok: SCF InvokeFunction, GetRequestStatus")
expect_error("ResourceNotFound.TopicNotExist",
             lambda: cls.SearchLog(request(cls_models.SearchLogRequest, TopicId="no-such-topic", From=0, To=1,
                                           QueryString="*")))

# The SDK's own endpoint (scf.tencentcloudapi.com), the emulator as its HTTP proxy.
proxied = scf_client.ScfClient(CRED, "ap-beijing", ClientProfile(
    httpProfile=HttpProfile(protocol="http", proxy="http://" + ENDPOINT)))
names = [n.Name for n in proxied.ListNamespaces(scf_models.ListNamespacesRequest()).Namespaces]
assert names == ["default"], names
print("ok: SCF through the emulator as HTTP proxy")
proxied.CreateNamespace(request(scf_models.CreateNamespaceRequest, Namespace="sdk-ns", Description="From the SDK"))
spaces = proxied.ListNamespaces(scf_models.ListNamespacesRequest()).Namespaces
assert [(n.Name, n.Description) for n in spaces][1:] == [("sdk-ns", "From the SDK")], spaces
proxied.DeleteNamespace(request(scf_models.DeleteNamespaceRequest, Namespace="sdk-ns"))
expect_error("FailedOperation.DeleteNamespace",
             lambda: proxied.DeleteNamespace(request(scf_models.DeleteNamespaceRequest, Namespace="default")))
print("ok: SCF CreateNamespace/DeleteNamespace")

# Signed for CAM but sent to SCF's host: refused, as Tencent Cloud's gateway does.
misrouted = cam_client.CamClient(CRED, "", ClientProfile(httpProfile=HttpProfile(
    protocol="http", proxy="http://" + ENDPOINT, endpoint="scf.tencentcloudapi.com")))
expect_error("AuthFailure.SignatureFailure",
             lambda: misrouted.GetRole(request(cam_models.GetRoleRequest, RoleName="SCF_QcsRole")))

wrong = scf_client.ScfClient(credential.Credential(os.environ["EMU_SECRET_ID"], "wrong-key"), "ap-beijing", profile())
expect_error("AuthFailure.SignatureFailure",
             lambda: wrong.ListFunctions(request(scf_models.ListFunctionsRequest)))

# COS, addressed as against Tencent Cloud (<bucket>.cos.<region>.myqcloud.com), through
# the emulator as the SDK's HTTP proxy.
BUCKET = "sdk-%s" % os.environ["EMU_APP_ID"]


def cos_client(secret_key):
    return CosS3Client(CosConfig(Region="ap-beijing", SecretId=os.environ["EMU_SECRET_ID"], SecretKey=secret_key,
                                 Scheme="http", Proxies={"http": "http://" + ENDPOINT}))


def expect_cos_error(status, code, call):
    try:
        call()
    except CosServiceError as err:
        if (err.get_status_code(), err.get_error_code()) != (status, code):
            sys.exit("expected %s %s, got %s %s" % (status, code, err.get_status_code(), err.get_error_code()))
        print("ok: COS %s" % code)
        return
    sys.exit("expected COS %s, the call succeeded" % code)


cos = cos_client(os.environ["EMU_SECRET_KEY"])
cos.create_bucket(Bucket=BUCKET)
expect_cos_error(409, "BucketAlreadyOwnedByYou", lambda: cos.create_bucket(Bucket=BUCKET))
# A bucket name without its APPID; the SDK reads the code only from a well-formed error.
expect_cos_error(400, "InvalidBucketName", lambda: cos.create_bucket(Bucket="nosuffix"))
assert BUCKET in [b["Name"] for b in cos.list_buckets()["Buckets"]["Bucket"]]
cos.put_object(Bucket=BUCKET, Key="upload/demo.mp4", Body=b"not really a video")
listed = cos.list_objects(Bucket=BUCKET, Prefix="upload/")
assert [o["Key"] for o in listed["Contents"]] == ["upload/demo.mp4"], listed
body = cos.get_object(Bucket=BUCKET, Key="upload/demo.mp4")["Body"].get_raw_stream().read()
assert body == b"not really a video", body
# Header names arrive lower-case (hyper writes them so); the SDK hands them on as sent.
head = {k.lower(): v for k, v in cos.head_object(Bucket=BUCKET, Key="upload/demo.mp4").items()}
assert head["content-length"] == "18" and head["etag"].strip('"'), head
print("ok: COS create_bucket/list_buckets/put_object/list_objects/get_object/head_object")
expect_cos_error(404, "NoSuchKey", lambda: cos.get_object(Bucket=BUCKET, Key="upload/missing.mp4"))
expect_cos_error(403, "SignatureDoesNotMatch",
                 lambda: cos_client("wrong-key").get_object(Bucket=BUCKET, Key="upload/demo.mp4"))

# MPS: a task on the uploaded object, its detail, and the task list.
mps = mps_client.MpsClient(CRED, "ap-beijing", profile())
cos_input = {"Type": "COS", "CosInputInfo": {"Bucket": BUCKET, "Region": "ap-beijing", "Object": "/upload/demo.mp4"}}
task_id = mps.ProcessMedia(request(mps_models.ProcessMediaRequest, InputInfo=cos_input, OutputDir="/output/",
                                   MediaProcessTask={"TranscodeTaskSet": [{"Definition": 10}]})).TaskId
detail = finished_detail(mps, task_id)
assert detail.Status == "FINISH" and detail.WorkflowTask.TaskId == task_id, detail.to_json_string()
tasks = mps.DescribeTasks(request(mps_models.DescribeTasksRequest, Status="FINISH", Limit=10))
assert tasks.TotalCount == 1 and tasks.TaskSet[0].TaskId == task_id, tasks.to_json_string()
print("ok: MPS ProcessMedia/DescribeTaskDetail/DescribeTasks")
expect_error("MissingParameter", lambda: mps.DescribeTasks(request(mps_models.DescribeTasksRequest, Limit=10)))
output = [o["Key"] for o in cos.list_objects(Bucket=BUCKET, Prefix="output/")["Contents"]]
assert output == ["output/demo_transcode_10.mp4"], output

# GET, as the SDKs send with HttpProfile(reqMethod="GET"): the parameters flattened into the
# query (Filters.0.Values.1=...), every value as text; the emulator types them by the model
# as the cloud does (numbers, Python's True, nested task definitions).
def get_profile():
    return ClientProfile(httpProfile=HttpProfile(protocol="http", endpoint=ENDPOINT, reqMethod="GET"))


get_scf = scf_client.ScfClient(CRED, "ap-beijing", get_profile())
by_runtime = get_scf.ListFunctions(request(scf_models.ListFunctionsRequest, Limit=5, Offset=0, Filters=[
    {"Name": "Runtime", "Values": ["Python3.6", "Nodejs8.9"]}]))
assert [f.FunctionName for f in by_runtime.Functions] == ["MPSAnalysis"], by_runtime.to_json_string()
other = get_scf.ListFunctions(request(scf_models.ListFunctionsRequest, Filters=[
    {"Name": "Runtime", "Values": ["Python3.6"]}]))
assert other.TotalCount == 0, other.to_json_string()
# Text where the model has a number: refused as a POST of the same would be.
expect_error("InvalidParameter", lambda: get_scf.ListFunctions(request(scf_models.ListFunctionsRequest, Limit="ten")))
get_mps = mps_client.MpsClient(CRED, "ap-beijing", get_profile())
get_task = get_mps.ProcessMedia(request(mps_models.ProcessMediaRequest, InputInfo=cos_input, OutputDir="/get/",
                                        TasksPriority=-3,
                                        MediaProcessTask={"TranscodeTaskSet": [{"Definition": 20}]})).TaskId
detail = finished_detail(get_mps, get_task)
result = detail.WorkflowTask.MediaProcessResultSet[0].TranscodeTask
assert detail.Status == "FINISH" and result.Output.Definition == 20, detail.to_json_string()
succeeded = get_mps.DescribeTasks(request(mps_models.DescribeTasksRequest, Status="FINISH", Limit=10,
                                          SubTaskHasFailed=False))
failed = get_mps.DescribeTasks(request(mps_models.DescribeTasksRequest, Status="FINISH", Limit=10,
                                       SubTaskHasFailed=True))
assert succeeded.TotalCount == 2 and failed.TotalCount == 0, (succeeded.to_json_string(), failed.to_json_string())
get_cls = cls_client.ClsClient(CRED, "ap-beijing", get_profile())
found = get_cls.SearchLog(request(cls_models.SearchLogRequest, TopicId=topic, From=now_ms - 3600000,
                                  To=now_ms + 60000, Limit=10,
                                  QueryString='SCF_RequestId:"%s" AND SCF_Message:Report*' % request_id))
assert len(found.Results) == 1, found.to_json_string()
wrong_get = scf_client.ScfClient(credential.Credential(os.environ["EMU_SECRET_ID"], "wrong-key"), "ap-beijing",
                                 get_profile())
expect_error("AuthFailure.SignatureFailure", lambda: wrong_get.ListFunctions(request(scf_models.ListFunctionsRequest)))
print("ok: GET calls (SCF ListFunctions, MPS ProcessMedia/DescribeTaskDetail/DescribeTasks, CLS SearchLog)")

# X-TC-Content-SHA256: UNSIGNED-PAYLOAD, the body left out of the signature.
unsigned_profile = profile()
unsigned_profile.unsignedPayload = True
unsigned = scf_client.ScfClient(CRED, "ap-beijing", unsigned_profile)
assert unsigned.GetFunction(request(scf_models.GetFunctionRequest, FunctionName="MPSAnalysis")).FunctionName \
    == "MPSAnalysis"
print("ok: unsigned payload")

cos.delete_object(Bucket=BUCKET, Key="upload/demo.mp4")
# A HEAD answer has no body, so the SDK names the error itself.
expect_cos_error(404, "NoSuchResource", lambda: cos.head_object(Bucket=BUCKET, Key="upload/demo.mp4"))

print("all official SDK checks passed")
