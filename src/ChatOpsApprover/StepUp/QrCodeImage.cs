using QRCoder;

namespace ChatOpsApprover.StepUp;

/// <summary>A QR code drawn on the server as a PNG data: URI, so the page loads no image from anywhere.</summary>
public static class QrCodeImage
{
    public static string DataUri(string text)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        return "data:image/png;base64," + Convert.ToBase64String(new PngByteQRCode(data).GetGraphic(4));
    }
}
