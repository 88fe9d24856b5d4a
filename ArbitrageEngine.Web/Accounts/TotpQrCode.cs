using System.Globalization;
using QRCoder;

namespace ArbitrageEngine.Web.Accounts;

/// <summary>The otpauth:// URI of an authenticator key and its QR code as inline SVG, rendered locally (no external service sees the secret).</summary>
public static class TotpQrCode
{
    public const string Issuer = "ArbitrageEngine";

    public static string Uri(string userName, string key) => string.Create(CultureInfo.InvariantCulture,
        $"otpauth://totp/{System.Uri.EscapeDataString(Issuer)}:{System.Uri.EscapeDataString(userName)}?secret={key}&issuer={System.Uri.EscapeDataString(Issuer)}&digits=6");

    public static string Svg(string uri)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(uri, QRCodeGenerator.ECCLevel.Q);
        using var svg = new SvgQRCode(data);
        return svg.GetGraphic(4);
    }
}
