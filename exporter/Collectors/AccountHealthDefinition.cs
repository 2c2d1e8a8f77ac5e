using SaasExporter.Catalogue;
using SaasExporter.Configuration;
using SaasExporter.Events;

namespace SaasExporter.Collectors;

/// <summary>
/// Customers (accounts with paid MRR &gt; 0 at now) by health band, and their MRR: the MRR at risk. Either source
/// gathers each customer's inputs, ordered by account id; <see cref="AccountHealthModel"/> scores them, so the model is
/// plain code with its own tests. Per account scores stay inside the exporter: an account id never becomes a label.
/// </summary>
internal sealed class AccountHealthDefinition(ExporterOptions options) : IEventDefinition<IReadOnlyList<AccountHealthInputs>>
{
    private static readonly string[] Bands = [AccountHealthModel.Green, AccountHealthModel.Yellow, AccountHealthModel.Red];

    private static readonly MetricFamily Accounts = new("saas_account_health_accounts",
        "Customers (paid MRR > 0 at now) by health band of the weighted account health model.", "band");
    private static readonly MetricFamily Mrr = new("saas_account_health_mrr",
        "Paid MRR at now of the customers in each health band (MRR at risk: yellow and red).", "band");

    public static CollectorDescriptor Descriptor { get; } = new("account_health", CollectorSchedule.Every(15, 120),
        Relations: ["accounts", "users", "events", "subscriptions", "tickets", "survey_responses"],
        Families: [Accounts, Mrr])
    {
        LabelValues = (family, label, _) => label == "band" ? CatalogueLabel.Code(label, "green", "yellow", "red") : null,
    };

    /// <summary>Usage reads 31 days of events: past the first instant of the 30 calendar days ending today in any time zone.</summary>
    public static EventFamily Family { get; } = EventFamily.Create(Descriptor,
        o => new AccountHealthDefinition(o), d => new AccountHealthSql(d), (d, store) => new AccountHealthIndex(d, store), _ => TimeSpan.FromDays(31));

    public ExporterOptions Options { get; } = options;

    public IReadOnlyList<Sample> Samples(IReadOnlyList<AccountHealthInputs> customers)
    {
        var banded = customers.Select(r => (Band: AccountHealthModel.Band(AccountHealthModel.Score(r, Options.AccountHealth), Options.AccountHealth), r.Mrr)).ToList();
        return
        [
            .. Bands.Select(b => Accounts.Sample(banded.Count(x => x.Band == b), b)),
            .. Bands.Select(b => Mrr.Sample(banded.Where(x => x.Band == b).Sum(x => x.Mrr), b)),
        ];
    }
}
