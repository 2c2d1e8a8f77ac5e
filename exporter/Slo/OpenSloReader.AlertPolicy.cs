using SaasExporter.Files;

namespace SaasExporter.Slo;

/// <summary>OpenSLO kind AlertPolicy (inline or referenced) of an SLO: one condition each.</summary>
public sealed partial class OpenSloReader
{
    private List<BurnTier> ReadAlertPolicies(OpenSloDocument slo, YamlFields spec)
    {
        var tiers = new List<BurnTier>();
        var policies = spec.List("alertPolicies") ?? [];
        for (var i = 0; i < policies.Count; i++)
        {
            var path = spec.PathOf($"alertPolicies[{i}]");
            var item = YamlFields.Of(policies[i], path, spec.Report);
            if (item is null)
            {
                continue;
            }

            OpenSloDocument? policy;
            var reference = item.String("alertPolicyRef");
            if (reference is not null)
            {
                item.RejectUnknown();
                if (!objects.TryGetValue(("AlertPolicy", reference), out policy))
                {
                    item.Error("alertPolicyRef", $"unresolved AlertPolicy '{reference}'");
                    continue;
                }
            }
            else
            {
                policy = OpenSloParser.ParseEnvelope(slo.File, slo.Subject, policies[i], diagnostics, path, "AlertPolicy", keepSubject: true);
                if (policy is null)
                {
                    continue;
                }
            }

            var tier = ReadPolicy(slo, policy, reference is null);
            if (tier is not null)
            {
                tiers.Add(tier);
            }
        }

        return tiers;
    }

    private BurnTier? ReadPolicy(OpenSloDocument slo, OpenSloDocument policy, bool inline)
    {
        var (file, subject) = inline ? (slo.File, slo.Subject) : (policy.File, policy.Subject);
        var spec = YamlFields.Of(policy.Spec, policy.SpecPath, (at, field, message) => diagnostics.Error(file, subject, field, message, at));
        if (spec is null)
        {
            return null;
        }

        spec.Allow("description");
        if (spec.Bool("alertWhenBreaching") == false)
        {
            spec.Error("alertWhenBreaching", "burn-rate alerts fire when breaching: must be true or absent");
        }

        // Every field accepted is compiled; the rest is refused with what to do instead.
        if (spec.Bool("alertWhenNoData") == false)
        {
            spec.Error("alertWhenNoData", "every SLO gets SLODataStale when its inputs disappear: must be true or absent");
        }

        if (spec.Has("alertWhenResolved"))
        {
            spec.Error("alertWhenResolved", "not compiled: resolved notifications are chosen per receiver in prometheus/alertmanager.yml (send_resolved); remove it");
        }

        if (spec.Has("notificationTargets"))
        {
            spec.Error("notificationTargets", "not compiled: alerts route on their team and severity labels in prometheus/alertmanager.yml; remove it");
        }

        var conditions = spec.List("conditions", required: true);
        spec.RejectUnknown();
        if (conditions is null)
        {
            return null;
        }

        if (conditions.Count != 1)
        {
            spec.Error("conditions", $"must have exactly one item, got {conditions.Count}");
            return null;
        }

        var item = YamlFields.Of(conditions[0], spec.PathOf("conditions[0]"), spec.Report);
        var reference = item?.String("conditionRef");
        OpenSloDocument? condition;
        if (reference is not null)
        {
            item!.RejectUnknown();
            if (!objects.TryGetValue(("AlertCondition", reference), out condition))
            {
                item.Error("conditionRef", $"unresolved AlertCondition '{reference}'");
                return null;
            }

            (file, subject) = (condition.File, condition.Subject);
        }
        else
        {
            condition = item is null ? null
                : OpenSloParser.ParseEnvelope(file, subject, conditions[0], diagnostics, spec.PathOf("conditions[0]"), "AlertCondition", keepSubject: true);
        }

        return condition is null ? null : ReadCondition(condition, file, subject);
    }
}
