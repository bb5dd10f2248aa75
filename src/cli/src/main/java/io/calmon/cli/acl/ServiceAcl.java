package io.calmon.cli.acl;

import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * One permission a calmon service needs: an operation on a resource (a topic, a consumer group, a
 * transactional id), literal or by name prefix, and why.
 */
public record ServiceAcl(
    ResourceType resourceType,
    String name,
    PatternType pattern,
    AclOperation operation,
    String why) {

  /** The ACL that allows {@code principal} (e.g. {@code User:scorer}) this, from any host. */
  public AclBinding binding(String principal) {
    return new AclBinding(
        new ResourcePattern(resourceType, name, pattern),
        new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW));
  }
}
