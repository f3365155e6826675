using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using ChatOpsApprover.Configuration;
using ChatOpsApprover.Health;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ChatOpsApprover.StepUp;

/// <summary>Settings under "DataProtection".</summary>
public sealed class KeyRingOptions
{
    /// <summary>
    /// Optional: 32 random bytes, base64, from the environment (DataProtection__KeyEncryptionKey). When set, the key
    /// ring is stored encrypted with it (AES-256-GCM), so a copy of the database alone does not reveal the TOTP secrets.
    /// </summary>
    public string? KeyEncryptionKey { get; set; }

    public IReadOnlyList<string> Validate()
    {
        if (string.IsNullOrEmpty(KeyEncryptionKey))
        {
            return [];
        }

        try
        {
            return Convert.FromBase64String(KeyEncryptionKey).Length == 32
                ? []
                : ["DataProtection:KeyEncryptionKey: must be 32 bytes, base64-encoded (e.g. openssl rand -base64 32)."];
        }
        catch (FormatException)
        {
            return ["DataProtection:KeyEncryptionKey: is not base64; use 32 random bytes, base64-encoded (e.g. openssl rand -base64 32)."];
        }
    }
}

public static class DataProtectionKeyRing
{
    /// <summary>
    /// Data Protection (TOTP secrets, device cookies, anti-forgery tokens) with its key ring in PostgreSQL, so every
    /// instance reads the same keys. The application name is fixed: by default it is derived from the install path,
    /// which would give each instance its own keys.
    /// </summary>
    public static IServiceCollection AddPostgresDataProtection(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<KeyRingOptions>(configuration.GetSection("DataProtection"), o => o.Validate());
        services.AddDataProtection().SetApplicationName("ChatOpsApprover");
        services.AddReadinessCheck<KeyRingCheck>(KeyRingCheck.Name);
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp => new ConfigureOptions<KeyManagementOptions>(options =>
        {
            options.XmlRepository = new PostgresXmlRepository(sp.GetRequiredService<NpgsqlDataSource>());
            if (sp.GetRequiredService<IOptions<KeyRingOptions>>().Value.KeyEncryptionKey is { Length: > 0 } key)
            {
                options.XmlEncryptor = new AesGcmXmlEncryptor(Convert.FromBase64String(key));
            }
        }));
        return services;
    }
}

/// <summary>The key ring as rows of jit.data_protection_keys. Keys are only ever added (Data Protection revokes by adding an element).</summary>
public sealed class PostgresXmlRepository(NpgsqlDataSource dataSource) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var command = dataSource.CreateCommand("SELECT xml FROM jit.data_protection_keys ORDER BY created_at, friendly_name");
        using var reader = command.ExecuteReader();
        var elements = new List<XElement>();
        while (reader.Read())
        {
            elements.Add(XElement.Parse(reader.GetString(0)));
        }

        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var command = dataSource.CreateCommand("INSERT INTO jit.data_protection_keys (friendly_name, xml) VALUES (@name, @xml) ON CONFLICT (friendly_name) DO NOTHING");
        command.Parameters.AddWithValue("name", friendlyName);
        command.Parameters.AddWithValue("xml", element.ToString(SaveOptions.DisableFormatting));
        command.ExecuteNonQuery();
    }
}

/// <summary>Encrypts key ring elements with AES-256-GCM under the configured key-encryption key.</summary>
public sealed class AesGcmXmlEncryptor(byte[] key) : IXmlEncryptor
{
    internal const string ElementName = "aesGcmEncryptedKey";

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var plaintext = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var nonce = RandomNumberGenerator.GetBytes(AesGcm.NonceByteSizes.MaxSize);
        var tag = new byte[AesGcm.TagByteSizes.MaxSize];
        var ciphertext = new byte[plaintext.Length];
        using (var aes = new AesGcm(key, tag.Length))
        {
            aes.Encrypt(nonce, plaintext, ciphertext, tag);
        }

        CryptographicOperations.ZeroMemory(plaintext);
        var element = new XElement(ElementName,
            new XComment(" Encrypted with DataProtection:KeyEncryptionKey (AES-256-GCM). "),
            new XElement("nonce", Convert.ToBase64String(nonce)),
            new XElement("tag", Convert.ToBase64String(tag)),
            new XElement("value", Convert.ToBase64String(ciphertext)));
        return new EncryptedXmlInfo(element, typeof(AesGcmXmlDecryptor));
    }
}

/// <summary>Created by Data Protection from the type name stored beside each encrypted key; it needs the service provider for the key.</summary>
public sealed class AesGcmXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        var configured = services.GetRequiredService<IOptions<KeyRingOptions>>().Value.KeyEncryptionKey;
        if (string.IsNullOrEmpty(configured))
        {
            throw new InvalidOperationException("The Data Protection key ring is encrypted but DataProtection:KeyEncryptionKey is not set.");
        }

        var nonce = Convert.FromBase64String((string)encryptedElement.Element("nonce")!);
        var tag = Convert.FromBase64String((string)encryptedElement.Element("tag")!);
        var ciphertext = Convert.FromBase64String((string)encryptedElement.Element("value")!);
        var plaintext = new byte[ciphertext.Length];
        using (var aes = new AesGcm(Convert.FromBase64String(configured), tag.Length))
        {
            aes.Decrypt(nonce, ciphertext, tag, plaintext);
        }

        try
        {
            return XElement.Parse(Encoding.UTF8.GetString(plaintext));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }
}
