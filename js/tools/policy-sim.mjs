// Evaluate a batch of AWS requests against IAM policies offline, with the pinned
// @cloud-copilot/iam-simulate (tests/support/policies.py drives it; see docs/testing.md).
//
// stdin: one JSON document
//   {
//     "policies": { "<name>": <policy document>, ... },
//     "requests": [
//       {
//         "principal": "arn:aws:sts::…:assumed-role/…" | null,   // null: an anonymous request
//         "action": "s3:PutObject",
//         "resource": "arn:aws:s3:::bucket/key",
//         "account": "123456789012",                           // the resource's account
//         "context": { "aws:SecureTransport": "true", ... },
//         "identity": ["<policy name>", ...],                   // the principal's policies
//         "resource_policy": "<policy name>" | null,            // bucket or key policy
//         "block_public_access": true
//       }, ...
//     ]
//   }
// stdout: one JSON line per request, in order:
//   {"decision": "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied" | "Error",
//    "denied_by": ["<policy name>#<Sid>", ...], "ignored_context_keys": [...], "error": "…"}
//
// One process evaluates the whole batch; the simulator runs in strict mode (exactly the
// context given, nothing assumed).
import { anonymousPrincipal, runSimulation } from "@cloud-copilot/iam-simulate";
import { readStdin, run } from "./io.mjs";

function simulation(request, policies) {
  const policy = (name) => {
    if (!(name in policies)) throw new Error(`unknown policy ${JSON.stringify(name)}`);
    return policies[name];
  };
  const anonymous = request.principal === null;
  return {
    request: {
      principal: anonymous ? anonymousPrincipal : request.principal,
      action: request.action,
      resource: { resource: request.resource, accountId: request.account },
      contextVariables: request.context ?? {},
    },
    identityPolicies: anonymous
      ? []
      : (request.identity ?? []).map((name) => ({ name, policy: policy(name) })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: request.resource_policy ? policy(request.resource_policy) : undefined,
    additionalSettings: { s3: { blockPublicAccess: Boolean(request.block_public_access) } },
  };
}

/** "<policy name>#<Sid>" of every statement that explicitly denied the request. */
function denials(analysis, request) {
  const named = (policy, statements) =>
    (statements ?? []).map((s) => `${policy ?? s.policyId}#${s.explain?.identifier ?? "?"}`);
  return [
    ...named(null, analysis.identityAnalysis?.denyStatements),
    ...named(request.resource_policy, analysis.resourceAnalysis?.denyStatements),
  ];
}

async function decide(request, policies) {
  const response = await runSimulation(simulation(request, policies), {});
  if (response.resultType === "error") {
    return { decision: "Error", error: JSON.stringify(response.errors) };
  }
  const results = response.resultType === "single" ? [response.result] : response.results;
  const analysis = results[0]?.analysis ?? {};
  return {
    decision: response.overallResult,
    denied_by: denials(analysis, request),
    ignored_context_keys: results.flatMap((r) => r.ignoredContextKeys ?? []),
  };
}

run(async () => {
  const batch = JSON.parse(new TextDecoder().decode(await readStdin()));
  const lines = [];
  for (const request of batch.requests) {
    let answer;
    try {
      answer = await decide(request, batch.policies);
    } catch (err) {
      answer = { decision: "Error", error: err instanceof Error ? err.message : String(err) };
    }
    lines.push(JSON.stringify(answer));
  }
  process.stdout.write(lines.length ? `${lines.join("\n")}\n` : "");
});
