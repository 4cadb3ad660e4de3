namespace Apiary.Enrich;

/// <summary>The autonomous system announcing an address: its number and organisation name.</summary>
public readonly record struct AsnAnswer(uint Number, string Organisation);
