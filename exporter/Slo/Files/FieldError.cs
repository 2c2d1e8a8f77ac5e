using YamlDotNet.RepresentationModel;

namespace SaasExporter.Files;

/// <summary>
/// Where a <see cref="YamlFields"/> reports a problem: the node it is about (its line and column), the dotted key path
/// (<c>tls_server_config.cert_file</c>, <c>spec.objectives[0].op</c>) and the message. Each file kind formats the line.
/// </summary>
public delegate void FieldError(YamlNode at, string keyPath, string message);
