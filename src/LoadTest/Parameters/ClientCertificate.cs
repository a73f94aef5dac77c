using System;
using System.Management.Automation;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace LoadTest.Parameters;

/// <summary>The client certificate of -Certificate or -CertificateThumbprint (mutual TLS), as Invoke-WebRequest takes them.</summary>
internal static class ClientCertificate
{
    /// <summary>The certificate to send, or null; or the error that stops the run.</summary>
    public static ErrorRecord? TryResolve(X509Certificate2? given, string? thumbprint, out X509Certificate2? certificate)
    {
        certificate = given;
        if (thumbprint is not null)
        {
            if (given is not null)
            {
                return ErrorRecordFactory.Create(ErrorIds.CertificateConflict, ErrorCategory.InvalidArgument, thumbprint, "Give the client certificate with -Certificate or with -CertificateThumbprint, not both.");
            }

            certificate = FindInMyStore(thumbprint.Replace(" ", string.Empty, StringComparison.Ordinal));
            if (certificate is null)
            {
                return ErrorRecordFactory.Create(
                    new CryptographicException($"No certificate with the thumbprint '{thumbprint}' is in the CurrentUser\\My store."),
                    ErrorIds.CertificateNotFound,
                    ErrorCategory.ObjectNotFound,
                    thumbprint);
            }
        }

        if (certificate is not null && !certificate.HasPrivateKey)
        {
            return ErrorRecordFactory.Create(
                new CryptographicException($"The client certificate '{certificate.Subject}' ({certificate.Thumbprint}) has no private key here: a server cannot accept it without one."),
                ErrorIds.CertificateWithoutPrivateKey,
                ErrorCategory.InvalidArgument,
                certificate);
        }

        return null;
    }

    private static X509Certificate2? FindInMyStore(string thumbprint)
    {
        using var store = new X509Store(StoreName.My, StoreLocation.CurrentUser);
        try
        {
            store.Open(OpenFlags.ReadOnly | OpenFlags.OpenExistingOnly);
        }
        catch (CryptographicException)
        {
            // No such store on this machine yet: nothing can be in it.
            return null;
        }

        X509Certificate2Collection found = store.Certificates.Find(X509FindType.FindByThumbprint, thumbprint, validOnly: false);
        return found.Count > 0 ? found[0] : null;
    }
}
