"""Drives the emulator with Tencent's official Python SDK, unchanged but for the endpoint.

Environment: EMU_ENDPOINT (host:port), EMU_SECRET_ID, EMU_SECRET_KEY.
Prints one line per check; exits non-zero on the first mismatch.
"""
import json
import os
import sys

from tencentcloud.cam.v20190116 import cam_client, models as cam_models
from tencentcloud.common import credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
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

scf = scf_client.ScfClient(CRED, "ap-beijing", profile())
scf.CreateFunction(request(scf_models.CreateFunctionRequest, FunctionName="MPSAnalysis", Runtime="Nodejs8.9",
                           Handler="index.main_handler", MemorySize=128, Timeout=3, CodeSource="Demo",
                           Code={"DemoId": "demo-nodejs89-mps-webhook"}))
listed = scf.ListFunctions(request(scf_models.ListFunctionsRequest, Namespace="default"))
assert listed.TotalCount == 1 and listed.Functions[0].FunctionName == "MPSAnalysis", listed.to_json_string()
got = scf.GetFunction(request(scf_models.GetFunctionRequest, FunctionName="MPSAnalysis"))
assert got.Runtime == "Nodejs8.9" and got.Handler == "index.main_handler", got.to_json_string()
print("ok: SCF CreateFunction/ListFunctions/GetFunction")
expect_error("InvalidParameterValue.FunctionName",
             lambda: scf.CreateFunction(request(scf_models.CreateFunctionRequest, FunctionName="1bad",
                                                Runtime="Nodejs8.9", Code={"DemoId": "demo-nodejs89-mps-webhook"})))

wrong = scf_client.ScfClient(credential.Credential(os.environ["EMU_SECRET_ID"], "wrong-key"), "ap-beijing", profile())
expect_error("AuthFailure.SignatureFailure",
             lambda: wrong.ListFunctions(request(scf_models.ListFunctionsRequest)))
print("all official SDK checks passed")
