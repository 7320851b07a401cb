namespace Modular.Kernel.Images.Distribution;

/// <summary>A content descriptor: what a manifest says about a blob or another manifest.</summary>
internal sealed record Descriptor(string MediaType, string Digest, long Size, Platform? Platform = null, IReadOnlyList<string>? Urls = null);

/// <summary>An image manifest (Docker schema2 or OCI): one config and the layers, bottom first.</summary>
internal sealed record ImageManifest(string MediaType, Descriptor Config, IReadOnlyList<Descriptor> Layers);

/// <summary>A manifest list or OCI index: one manifest per platform.</summary>
internal sealed record ManifestIndex(string MediaType, IReadOnlyList<Descriptor> Manifests);
