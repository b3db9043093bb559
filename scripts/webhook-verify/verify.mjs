// verify.mjs — checks one webhook request with the npm standardwebhooks package (an
// implementation independent of learnd's Go signer). Reads {"secret", "headers", "body"}
// as JSON on stdin; prints the verified payload as JSON and exits 0, or prints the
// library's error and exits 1. Used through internal/webhookverify (jobs and server tests).
import { Webhook } from "standardwebhooks";

let input = "";
for await (const chunk of process.stdin) input += chunk;
const { secret, headers, body } = JSON.parse(input);
try {
  const payload = new Webhook(secret).verify(body, headers);
  process.stdout.write(JSON.stringify(payload));
} catch (e) {
  process.stdout.write(String(e && e.message ? e.message : e));
  process.exit(1);
}
