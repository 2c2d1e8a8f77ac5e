namespace SaasExporter.UnitTests.Web;

/// <summary>
/// bcrypt is CPU-bound on purpose: these tests run alone, so they never starve the suite's tests that wait on a
/// wall clock (the scheduler's).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PasswordCheckCollection
{
    public const string Name = "password checks";
}
