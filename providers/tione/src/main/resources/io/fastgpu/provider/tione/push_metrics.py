# Written by FastGPU into a TI-ONE task's code package: forwards the metric lines the training script
# appends to $FASTGPU_METRICS_FILE (fastgpu.metrics) to TI-ONE with PushTrainingMetrics, signed
# TC3-HMAC-SHA256 with the task's own credentials, so the same script works on every backend.
import hashlib, hmac, json, os, sys, time, urllib.request

path = os.environ["FASTGPU_METRICS_FILE"]
task = os.environ.get("TI_TASK_ID", "")
sid = os.environ.get("TENCENTCLOUD_SECRET_ID", "")
skey = os.environ.get("TENCENTCLOUD_SECRET_KEY", "")
region = os.environ.get("TENCENTCLOUD_REGION", "ap-guangzhou")
endpoint = os.environ.get("TIONE_ENDPOINT")
host = endpoint or "tione.tencentcloudapi.com"
url = ("http://" if endpoint else "https://") + host + "/"


def sign(key, msg):
    return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()


def push(data):
    payload = json.dumps({"Data": data})
    ts = int(time.time())
    date = time.strftime("%Y-%m-%d", time.gmtime(ts))
    service = host.split(".")[0]
    ct = "application/json; charset=utf-8"
    canonical = "POST\n/\n\ncontent-type:%s\nhost:%s\n\ncontent-type;host\n%s" % (
        ct, host, hashlib.sha256(payload.encode("utf-8")).hexdigest())
    scope = "%s/%s/tc3_request" % (date, service)
    to_sign = "TC3-HMAC-SHA256\n%d\n%s\n%s" % (ts, scope, hashlib.sha256(canonical.encode("utf-8")).hexdigest())
    k = sign(sign(sign(("TC3" + skey).encode("utf-8"), date), service), "tc3_request")
    signature = hmac.new(k, to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
    req = urllib.request.Request(url, data=payload.encode("utf-8"), method="POST", headers={
        "Authorization": "TC3-HMAC-SHA256 Credential=%s/%s, SignedHeaders=content-type;host, Signature=%s" % (sid, scope, signature),
        "Content-Type": ct, "Host": host, "X-TC-Action": "PushTrainingMetrics", "X-TC-Version": "2021-11-11",
        "X-TC-Timestamp": str(ts), "X-TC-Region": region})
    answer = json.loads(urllib.request.urlopen(req, timeout=10).read().decode("utf-8"))
    error = answer.get("Response", {}).get("Error")
    if error:
        print("fastgpu metrics: PushTrainingMetrics failed: %s %s" % (error.get("Code"), error.get("Message")), file=sys.stderr)


def points(obj):
    if isinstance(obj.get("metrics"), dict):  # fastgpu.metrics.push: {"metrics": {...}, "epoch": .., "step": ..}
        obj = obj["metrics"]
    if "name" in obj and "value" in obj:
        return [{"Name": str(obj["name"]), "Value": float(obj["value"])}]
    skip = ("step", "epoch", "time", "ts", "timestamp", "task", "run")
    return [{"Name": k, "Value": float(v)} for k, v in obj.items()
            if k not in skip and isinstance(v, (int, float)) and not isinstance(v, bool)]


def main():
    if not (task and sid and skey):
        return
    offset = 0
    done = path + ".done"
    while True:
        finished = os.path.exists(done)
        if os.path.exists(path):
            with open(path, "rb") as f:
                f.seek(offset)
                chunk = f.read()
            complete = chunk[:chunk.rfind(b"\n") + 1]
            offset += len(complete)
            data = []
            for line in complete.decode("utf-8", "replace").splitlines():
                try:
                    obj = json.loads(line)
                except ValueError:
                    continue
                pts = points(obj)
                if pts:
                    step = int(obj.get("step", 0) or 0)
                    data.append({"TaskId": task, "Timestamp": int(obj.get("timestamp", obj.get("time", time.time()))),
                                 "Epoch": int(obj.get("epoch", step) or 0), "Step": step, "Points": pts})
            if data:
                try:
                    push(data)
                except Exception as e:  # the training goes on without its metrics
                    print("fastgpu metrics: cannot push: %s" % e, file=sys.stderr)
        if finished:
            return
        time.sleep(0.5)


main()
