package io.wattkeeper.api.chart;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.values.NullValue;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.Validation;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The node-report ValidatingAdmissionPolicy as the chart renders it, its CEL evaluated with
 * cel-java against AdmissionRequests shaped like the API server's: an agent may write only its own
 * node's report and never the spec; nobody else is matched.
 */
class ReportPolicyTest {

  static final String AGENT = "system:serviceaccount:wattkeeper:wk-wattkeeper-agent";
  static final String NODE_KEY = "authentication.kubernetes.io/node-name";

  static ValidatingAdmissionPolicy policy;
  static ValidatingAdmissionPolicyBinding binding;

  static final CelCompiler COMPILER =
      CelCompilerFactory.standardCelCompilerBuilder()
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .addVar("request", SimpleType.DYN)
          .addVar("object", SimpleType.DYN)
          .addVar("oldObject", SimpleType.DYN)
          .addVar("variables", MapType.create(SimpleType.STRING, SimpleType.DYN))
          .build();
  static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();

  @BeforeAll
  static void render() {
    Rendered r = Rendered.render(Map.of());
    policy = r.one(ValidatingAdmissionPolicy.class, "-node-reports");
    binding = r.one(ValidatingAdmissionPolicyBinding.class, "-node-reports");
  }

  @Test
  void policyAndBindingAreWiredToDeny() {
    assertThat(binding.getSpec().getPolicyName()).isEqualTo(policy.getMetadata().getName());
    assertThat(binding.getSpec().getValidationActions()).containsExactly("Deny");
    var rule = policy.getSpec().getMatchConstraints().getResourceRules().get(0);
    assertThat(rule.getApiGroups()).containsExactly("wattkeeper.io");
    assertThat(rule.getResources()).contains("nodeenergyreports", "nodeenergyreports/status");
    assertThat(rule.getOperations()).containsExactlyInAnyOrder("CREATE", "UPDATE");
    assertThat(policy.getSpec().getFailurePolicy()).isEqualTo("Fail");
  }

  @Test
  void theAgentWritesItsOwnNodesReportStatus() {
    assertThat(denials(statusUpdate(AGENT, "node-a", "node-a"))).isEmpty();
    assertThat(denials(create(AGENT, "node-a", "node-a", Map.of()))).isEmpty();
    assertThat(denials(create(AGENT, "node-a", "node-a", null))).isEmpty();
  }

  @Test
  void aReportUnderAnotherNodesNameIsDenied() {
    assertThat(denials(statusUpdate(AGENT, "node-a", "node-b")))
        .containsExactly(
            "the wattkeeper node agent on node node-a may write only NodeEnergyReport node-a, not"
                + " node-b");
    assertThat(denials(create(AGENT, "node-a", "node-b", Map.of()))).hasSize(1);
  }

  @Test
  void aTokenWithoutNodeNameIsDenied() {
    Map<String, Object> req = statusUpdate(AGENT, null, "node-a");
    assertThat(denials(req)).first().asString().contains("names no node");
    ((Map<String, Object>) ((Map<String, Object>) req.get("request")).get("userInfo"))
        .remove("extra");
    assertThat(denials(req)).first().asString().contains("names no node");
  }

  @Test
  void theAgentMayNotWriteSpec() {
    Map<String, Object> caps =
        Map.of("gpuPowerLimits", List.of(Map.of("gpuUuid", "GPU-1", "watts", 1)));
    assertThat(denials(create(AGENT, "node-a", "node-a", caps)))
        .containsExactly(
            "the wattkeeper node agent may not write a NodeEnergyReport's spec (the operator's"
                + " commands)");
    Map<String, Object> update = statusUpdate(AGENT, "node-a", "node-a");
    ((Map<String, Object>) update.get("object")).put("spec", caps);
    assertThat(denials(update)).hasSize(1);
    Map<String, Object> removed = statusUpdate(AGENT, "node-a", "node-a");
    ((Map<String, Object>) removed.get("oldObject")).put("spec", caps);
    assertThat(denials(removed)).hasSize(1);
  }

  /**
   * A spec field added later must be forbidden to the agent too: the CREATE rule names each field
   * of the model, and a create that sets any one of them is denied.
   */
  @Test
  void everySpecFieldOfTheModelIsForbiddenOnCreate() {
    var fields = io.wattkeeper.api.v1alpha1.NodeEnergyReportSpec.class.getRecordComponents();
    assertThat(fields).isNotEmpty();
    for (var f : fields) {
      assertThat(denials(create(AGENT, "node-a", "node-a", Map.of(f.getName(), List.of()))))
          .as("spec.%s on create", f.getName())
          .hasSize(1);
    }
    assertThat(denials(create(AGENT, "node-a", "node-a", Map.of()))).isEmpty();
    assertThat(denials(create(AGENT, "node-a", "node-a", null))).isEmpty();
  }

  /** Before 1.30 the v1 kind does not exist: the chart leaves the policy out (NOTES warns). */
  @Test
  void clustersOlderThan130GetNoPolicyAndTheInstallStillWorks() {
    assertThat(
            Rendered.render(t -> t.withKubeVersion("1.29.9")).all(ValidatingAdmissionPolicy.class))
        .isEmpty();
    assertThat(
            Rendered.render(t -> t.withKubeVersion("1.29.9"))
                .all(ValidatingAdmissionPolicyBinding.class))
        .isEmpty();
    assertThat(
            Rendered.render(t -> t.withKubeVersion("1.30.0")).all(ValidatingAdmissionPolicy.class))
        .hasSize(1);
  }

  @Test
  void onlyTheAgentIsMatched() {
    assertThat(matches(statusUpdate(AGENT, "node-a", "node-b"))).isTrue();
    assertThat(
            matches(
                statusUpdate("system:serviceaccount:wattkeeper:wk-wattkeeper-operator", null, "x")))
        .isFalse();
    assertThat(matches(statusUpdate("system:serviceaccount:other:wk-wattkeeper-agent", "n", "x")))
        .isFalse();
  }

  /** matchConditions: all must be true for the policy to apply. */
  static boolean matches(Map<String, Object> activation) {
    return policy.getSpec().getMatchConditions().stream()
        .allMatch(c -> Boolean.TRUE.equals(eval(c.getExpression(), activation)));
  }

  /** Messages of the failed validations, as the API server would return them. */
  static List<String> denials(Map<String, Object> activation) {
    assertThat(matches(activation)).isTrue();
    Map<String, Object> vars = new HashMap<>();
    policy
        .getSpec()
        .getVariables()
        .forEach(v -> vars.put(v.getName(), eval(v.getExpression(), withVars(activation, vars))));
    Map<String, Object> full = withVars(activation, vars);
    return policy.getSpec().getValidations().stream()
        .filter(v -> !Boolean.TRUE.equals(eval(v.getExpression(), full)))
        .map(v -> message(v, full))
        .toList();
  }

  static String message(Validation v, Map<String, Object> activation) {
    return v.getMessageExpression() != null
        ? (String) eval(v.getMessageExpression(), activation)
        : v.getMessage().trim();
  }

  static Map<String, Object> withVars(Map<String, Object> activation, Map<String, Object> vars) {
    Map<String, Object> m = new HashMap<>(activation);
    m.put("variables", Map.copyOf(vars));
    return m;
  }

  static Object eval(String expression, Map<String, Object> activation) {
    try {
      return RUNTIME.createProgram(COMPILER.compile(expression).getAst()).eval(activation);
    } catch (Exception e) {
      throw new AssertionError("CEL " + expression + ": " + e.getMessage(), e);
    }
  }

  static Map<String, Object> userInfo(String user, String node) {
    Map<String, Object> u = new LinkedHashMap<>();
    u.put("username", user);
    u.put("groups", List.of("system:serviceaccounts", "system:authenticated"));
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("authentication.kubernetes.io/pod-name", List.of("wk-wattkeeper-agent-x"));
    if (node != null) {
      extra.put(NODE_KEY, List.of(node));
    }
    u.put("extra", extra);
    return u;
  }

  static Map<String, Object> report(String name, Map<String, Object> spec) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("apiVersion", "wattkeeper.io/v1alpha1");
    o.put("kind", "NodeEnergyReport");
    o.put("metadata", Map.of("name", name));
    if (spec != null) {
      o.put("spec", spec);
    }
    o.put("status", Map.of("pods", List.of()));
    return o;
  }

  static Map<String, Object> statusUpdate(String user, String tokenNode, String reportName) {
    Map<String, Object> a = new HashMap<>();
    Map<String, Object> req = new HashMap<>();
    req.put("operation", "UPDATE");
    req.put("subResource", "status");
    req.put("name", reportName);
    req.put("userInfo", userInfo(user, tokenNode));
    a.put("request", req);
    a.put("object", report(reportName, new HashMap<>()));
    a.put("oldObject", report(reportName, new HashMap<>()));
    return a;
  }

  static Map<String, Object> create(
      String user, String tokenNode, String reportName, Map<String, Object> spec) {
    Map<String, Object> a = new HashMap<>();
    Map<String, Object> req = new HashMap<>();
    req.put("operation", "CREATE");
    req.put("name", reportName);
    req.put("userInfo", userInfo(user, tokenNode));
    a.put("request", req);
    a.put("object", report(reportName, spec));
    a.put("oldObject", NullValue.NULL_VALUE);
    return a;
  }
}
