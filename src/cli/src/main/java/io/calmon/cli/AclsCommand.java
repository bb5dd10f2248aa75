package io.calmon.cli;

import io.calmon.cli.acl.ServiceAcl;
import io.calmon.cli.acl.ServiceAcls;
import io.calmon.cli.acl.ServiceAcls.Service;
import io.calmon.kafka.AclAdmin;
import io.calmon.kafka.CalmonTopics;
import io.calmon.kafka.KafkaUnreachableException;
import io.calmon.monitor.MonitorSettings;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code calmon acls}: the ACLs one service needs (see {@link ServiceAcls}), printed one a line, or
 * created on the cluster with {@code --apply}.
 */
@Command(
    name = "acls",
    mixinStandardHelpOptions = true,
    description = {
      "Print the Kafka ACLs a calmon service needs (least privilege), or create them with --apply.",
      "Columns: principal, operation, resource type, pattern, name, why."
    })
final class AclsCommand implements Callable<Integer> {

  private static final Pattern PRINCIPAL = Pattern.compile("[A-Za-z]+:\\S+");

  @Spec CommandSpec spec;

  @Option(
      names = "--principal",
      required = true,
      paramLabel = "TYPE:NAME",
      description = "Who gets them, e.g. User:scorer (the SASL user or TLS principal).")
  String principal;

  @Option(
      names = "--service",
      required = true,
      description = "scorer, monitor, trainer or producer.")
  Service service;

  @Option(
      names = "--prefix",
      defaultValue = "",
      description = "Topic name prefix, as given to the services (default: none).")
  String prefix;

  @Option(
      names = "--deployment",
      defaultValue = "default",
      description = "The scorer's or trainer's deployment (default: ${DEFAULT-VALUE}).")
  String deployment;

  @Option(
      names = "--application-id",
      description = "The monitor's application id (default: calmon-monitor-<prefix or all>).")
  String applicationId;

  @Option(
      names = "--apply",
      description = "Create them on the cluster (needs a principal allowed to alter ACLs).")
  boolean apply;

  @Mixin BootstrapOptions bootstrap;

  @Override
  public Integer call() {
    if (!PRINCIPAL.matcher(principal).matches()) {
      throw new UserError(
          "--principal must be TYPE:NAME, e.g. User:scorer; got '" + principal + "'");
    }
    CalmonTopics topics = TopicsCommand.topicsWithPrefix(prefix);
    String application =
        applicationId != null ? applicationId : MonitorSettings.defaultApplicationId(prefix);
    List<ServiceAcl> acls = ServiceAcls.of(service, topics, deployment, application);
    PrintWriter out = spec.commandLine().getOut();
    for (ServiceAcl acl : acls) {
      out.println(ServiceAcls.line(principal, acl));
    }
    out.flush();
    if (apply) {
      try {
        AclAdmin.create(
            bootstrap.bootstrapServers,
            bootstrap.kafka(),
            bootstrap.connectTimeout(),
            acls.stream().map(a -> a.binding(principal)).toList());
      } catch (KafkaUnreachableException e) {
        throw bootstrap.kafka.unreachable(e);
      } catch (IllegalStateException e) {
        throw new UserError("--apply: " + e.getMessage(), e);
      }
      System.err.println(
          "calmon: " + acls.size() + " ACLs for " + principal + " created or already present");
    }
    return 0;
  }
}
