namespace SaasExporter.Slo;

/// <summary>OpenSLO Service, AlertNotificationTarget and DataSource: checked for known keys, compiled into nothing.</summary>
public sealed partial class OpenSloReader
{
    private void CheckPassive(OpenSloDocument document)
    {
        var spec = Fields(document);
        if (spec is null)
        {
            return;
        }

        spec.Allow("description");
        switch (document.Kind)
        {
            case "AlertNotificationTarget":
                spec.String("target", required: true);
                break;
            case "DataSource":
                spec.String("type", required: true);
                spec.Allow("connectionDetails");
                break;
        }

        spec.RejectUnknown();
    }
}
