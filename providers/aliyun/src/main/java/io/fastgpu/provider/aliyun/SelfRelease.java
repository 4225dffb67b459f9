package io.fastgpu.provider.aliyun;

import io.fastgpu.provider.aliyun.wire.Endpoint;

/**
 * The part of a machine's stop script that releases its own instance, the way Alibaba Cloud documents code on an
 * instance calling the API: the temporary credentials of the instance RAM role, from the metadata service
 * ({@code $FASTGPU_METADATA_URL}, else {@code http://100.100.100.200}; its token first, for a machine that requires
 * one), sign (RPC, HMAC-SHA1, with the {@code SecurityToken}) a DeleteInstance with {@code Force=true} on the instance
 * itself. Python 3 (on the images) does it; the credentials stay in its memory, never in a file or the log. Ends the
 * script when the cloud accepted the call; otherwise it says why on its output (the watchdog's log) and the script
 * goes on to its shutdown.
 */
final class SelfRelease {
    private SelfRelease() {}

    private static final String PYTHON = """
            import base64, hashlib, hmac, json, os, sys, time, uuid
            import urllib.error, urllib.parse, urllib.request
            endpoint, role, instance = sys.argv[1:4]
            meta = os.environ.get('FASTGPU_METADATA_URL') or 'http://100.100.100.200'
            def give_up(why):
                print('could not release instance %s through instance role %s: %s; shutting it down instead'
                      % (instance, role, why), flush=True)
                sys.exit(1)
            headers = {}
            try:
                put = urllib.request.Request(meta + '/latest/api/token', method='PUT',
                                             headers={'X-aliyun-ecs-metadata-token-ttl-seconds': '300'})
                with urllib.request.urlopen(put, timeout=5) as r:
                    headers['X-aliyun-ecs-metadata-token'] = r.read().decode().strip()
            except Exception:
                pass  # a metadata service in normal mode answers without a token
            try:
                url = meta + '/latest/meta-data/ram/security-credentials/' + urllib.parse.quote(role)
                with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as r:
                    c = json.loads(r.read().decode())
            except urllib.error.HTTPError as e:
                give_up('the metadata service has no credentials of the role (HTTP %d): is the role attached to the instance?'
                        % e.code)
            except Exception as e:
                give_up('the metadata service did not answer (%s)' % type(e).__name__)
            if c.get('Code') != 'Success' or not c.get('AccessKeyId'):
                give_up('the metadata service answered Code %s' % c.get('Code'))
            def enc(v):
                return urllib.parse.quote(v, safe='-_.~')
            why = ''
            for attempt in range(3):
                p = {'Action': 'DeleteInstance', 'Version': '2014-05-26', 'Format': 'JSON', 'InstanceId': instance,
                     'Force': 'true', 'AccessKeyId': c['AccessKeyId'], 'SecurityToken': c['SecurityToken'],
                     'SignatureMethod': 'HMAC-SHA1', 'SignatureVersion': '1.0', 'SignatureNonce': uuid.uuid4().hex,
                     'Timestamp': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}
                query = '&'.join(enc(k) + '=' + enc(v) for k, v in sorted(p.items()))
                signed = 'POST&%2F&' + enc(query)
                key = (c['AccessKeySecret'] + '&').encode()
                signature = base64.b64encode(hmac.new(key, signed.encode(), hashlib.sha1).digest()).decode()
                body = (query + '&Signature=' + enc(signature)).encode()
                call = urllib.request.Request(endpoint + '/', data=body, method='POST',
                                              headers={'Content-Type': 'application/x-www-form-urlencoded'})
                if attempt == 0:
                    print('releasing instance %s through instance role %s' % (instance, role), flush=True)
                try:
                    with urllib.request.urlopen(call, timeout=30) as r:
                        r.read()
                    sys.exit(0)
                except urllib.error.HTTPError as e:
                    try:
                        answer = json.loads(e.read().decode())
                    except Exception:
                        answer = {}
                    why = 'DeleteInstance answered %s %s' % (e.code, answer.get('Code', ''))
                    if e.code < 500 and not str(answer.get('Code', '')).startswith('Throttling'):
                        give_up(why)
                except Exception as e:
                    why = 'the API did not answer (%s)' % type(e).__name__
                time.sleep(2 * (attempt + 1))
            give_up(why)
            """;

    /** Bash: with {@code $1} = {@code true}, release instance {@code instanceId}; ends the script when released. */
    static String script(Endpoint endpoint, String role, String instanceId) {
        String url = (endpoint.plainHttp() ? "http://" : "https://") + endpoint.hostOf("ecs");
        return "if [ \"$1\" = true ]; then\n"
                + "  if command -v python3 >/dev/null 2>&1; then\n"
                + "    python3 - " + quote(url) + " " + quote(role) + " " + quote(instanceId) + " <<'FASTGPU_SELF_RELEASE' && exit 0\n"
                + PYTHON
                + "FASTGPU_SELF_RELEASE\n"
                + "  else\n"
                + "    echo 'could not release the instance: no python3 on the machine; shutting it down instead'\n"
                + "  fi\n"
                + "fi\n";
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
