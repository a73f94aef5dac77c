# https on both transports: LoadTest's own HTTP/1.1 client over TLS and HttpClient, against a loopback
# TLS server (tests/TlsTestServer.cs) with self-signed certificates made here.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    if (-not ('LoadTestTests.TlsTestServer' -as [type])) {
        Add-Type -Path (Join-Path $PSScriptRoot 'TlsTestServer.cs')
    }

    # A self-signed certificate with its private key, for a server (localhost, tls.test, 127.0.0.1) or a client.
    function New-TlsTestCertificate([string] $Subject, [switch] $Client) {
        $rsa = [System.Security.Cryptography.RSA]::Create(2048)
        $request = [System.Security.Cryptography.X509Certificates.CertificateRequest]::new(
            $Subject, $rsa, [System.Security.Cryptography.HashAlgorithmName]::SHA256, [System.Security.Cryptography.RSASignaturePadding]::Pkcs1)
        $usage = [System.Security.Cryptography.OidCollection]::new()
        if ($Client) {
            $null = $usage.Add([System.Security.Cryptography.Oid]::new('1.3.6.1.5.5.7.3.2'))
        }
        else {
            $null = $usage.Add([System.Security.Cryptography.Oid]::new('1.3.6.1.5.5.7.3.1'))
            $names = [System.Security.Cryptography.X509Certificates.SubjectAlternativeNameBuilder]::new()
            $names.AddDnsName('localhost')
            $names.AddDnsName('tls.test')
            $names.AddIpAddress([System.Net.IPAddress]::Loopback)
            $request.CertificateExtensions.Add($names.Build())
        }
        $request.CertificateExtensions.Add([System.Security.Cryptography.X509Certificates.X509EnhancedKeyUsageExtension]::new($usage, $false))
        $made = $request.CreateSelfSigned([DateTimeOffset]::Now.AddDays(-1), [DateTimeOffset]::Now.AddDays(1))
        [System.Security.Cryptography.X509Certificates.X509CertificateLoader]::LoadPkcs12($made.Export('Pfx'), $null)
    }

    function Start-TlsServer([string[]] $Response = "HTTP/1.1 200 OK`r`nContent-Length: 2`r`n`r`nok", [switch] $RequireClientCertificate, [int] $DropEvery = 0) {
        [LoadTestTests.TlsTestServer]::new($serverCertificate, $Response, $RequireClientCertificate.IsPresent, $DropEvery)
    }

    $serverCertificate = New-TlsTestCertificate 'CN=localhost'
    $clientCertificate = New-TlsTestCertificate 'CN=LoadTest Client' -Client
    $transports = 'Auto', 'HttpClient'
}

Describe 'https on <Transport>' -ForEach @(@{ Transport = 'Auto' }, @{ Transport = 'HttpClient' }) {
    BeforeAll {
        $server = Start-TlsServer
        $uri = "https://127.0.0.1:$($server.Port)/"
    }

    AfterAll {
        $server.Dispose()
    }

    It 'verifies the certificate by default: a self-signed one is a Tls failure, nothing sent' {
        $r = Invoke-BoundedRequest -Uri $uri -Transport $Transport
        $r.Success | Should -BeFalse
        $r.StatusCode | Should -Be 0
        $r.ErrorKind | Should -Be 'Tls'
        $r.Error | Should -Match 'certificate|SSL'
        $r.BytesReceived | Should -Be 0
    }

    It 'accepts it with -SkipCertificateCheck, on one kept-alive connection' {
        $before = $server.Connections
        $requestsBefore = $server.Requests
        $results = Invoke-BoundedRequest -Uri "${uri}x/{0}" -Count 20 -ThrottleLimit 1 -Transport $Transport -SkipCertificateCheck -IncludeContent 3>$null
        @($results | Where-Object Success).Count | Should -Be 20
        @($results | Where-Object Content -CEQ 'ok').Count | Should -Be 20
        ($results | Measure-Object Attempts -Sum).Sum | Should -Be 20
        $server.Requests - $requestsBefore | Should -Be 20
        $server.Connections - $before | Should -Be 1
    }

    It 'offers HTTP/1.1 by ALPN (HttpClient offers nothing for HTTP/1.1)' {
        $server.Protocols.Clear()
        $null = Invoke-BoundedRequest -Uri $uri -Transport $Transport -SkipCertificateCheck 3>$null
        @($server.Protocols) | Should -Be @(if ($Transport -eq 'Auto') { 'http/1.1' } else { '' })
    }

    It 'sends the host name by SNI (none for an IP address), <Name>' -TestCases @(
        @{ Name = 'localhost'; Sni = 'localhost' }
        @{ Name = '127.0.0.1'; Sni = '' }
    ) {
        $server.ServerNames.Clear()
        $r = Invoke-BoundedRequest -Uri "https://${Name}:$($server.Port)/" -Transport $Transport -SkipCertificateCheck 3>$null
        $r.StatusCode | Should -Be 200
        @($server.ServerNames) | Should -Be @($Sni)
    }
}

Describe 'https bodies and connections' {
    It 'reads <Case> over TLS on both transports, kept alive' -TestCases @(
        @{ Case = 'a Content-Length body'; Response = "HTTP/1.1 200 OK`r`nContent-Length: 5`r`n`r`nhello"; Bytes = 5; Content = 'hello'; Connections = 1 }
        @{ Case = 'a chunked body'; Response = "HTTP/1.1 200 OK`r`nTransfer-Encoding: chunked`r`n`r`n5`r`nhello`r`n6`r`n world`r`n0`r`n`r`n"; Bytes = 11; Content = 'hello world'; Connections = 1 }
        @{ Case = 'a body larger than a TLS record'; Response = "HTTP/1.1 200 OK`r`nContent-Length: 70000`r`n`r`n$('abcdefghij' * 7000)"; Bytes = 70000; Content = 'abcdefghij' * 7000; Connections = 1 }
        @{ Case = 'a body to the end of the connection'; Response = "HTTP/1.1 200 OK`r`nConnection: close`r`n`r`nabcdef"; Bytes = 6; Content = 'abcdef'; Connections = 3 }
    ) {
        foreach ($transport in $transports) {
            $server = Start-TlsServer -Response $Response
            try {
                $results = Invoke-BoundedRequest -Uri "https://127.0.0.1:$($server.Port)/x/{0}" -Count 3 -ThrottleLimit 1 -Transport $transport -SkipCertificateCheck -IncludeContent 3>$null
                foreach ($r in $results) {
                    $r.StatusCode | Should -Be 200 -Because $transport
                    $r.BytesReceived | Should -Be $Bytes -Because $transport
                    $r.Content | Should -BeExactly $Content -Because $transport
                }
                $server.Requests | Should -Be 3
                $server.Connections | Should -Be $Connections -Because $transport
            }
            finally {
                $server.Dispose()
            }
        }
    }

    # The server reads every 5th request and closes the connection without an answer, with a FIN or (as a server
    # does that closes an idle connection just as the request reaches it) a reset: a GET is replayed once on
    # another connection, a POST is not; every request the server read is an attempt.
    It 'counts every request on the wire when the server <How> kept-alive connections: <Method> through <Transport>' -TestCases @(
        foreach ($transport in 'Auto', 'HttpClient') {
            foreach ($method in 'GET', 'POST') {
                foreach ($how in 'closes', 'resets') { @{ Transport = $transport; Method = $method; How = $how } }
            }
        }
    ) {
        $server = Start-TlsServer -DropEvery 5
        $server.ResetOnDrop = $How -eq 'resets'
        try {
            $params = @{ Uri = "https://127.0.0.1:$($server.Port)/x/{0}"; Count = 100; ThrottleLimit = 4; Method = $Method; Transport = $Transport; SkipCertificateCheck = $true; TimeoutSec = 30 }
            if ($Method -eq 'POST') { $params.Body = 'payload' }
            $results = Invoke-BoundedRequest @params 3>$null
            $results.Count | Should -Be 100
            ($results | Measure-Object Attempts -Sum).Sum | Should -Be $server.Requests
            $server.Drops | Should -BeGreaterThan 0
            if ($Method -eq 'GET') {
                @($results | Where-Object Success).Count | Should -Be 100
            }
            else {
                @($results | Where-Object Attempts -NE 1).Count | Should -Be 0
                @($results | Where-Object { -not $_.Success }).Count | Should -Be $server.Drops
            }
        }
        finally {
            $server.Dispose()
        }
    }
}

Describe 'https through the lean client and HttpClient' {
    It 'goes through the lean client by default and HttpClient with -Transport HttpClient' {
        # A response the lean client rejects (RFC 9112 5.1) and HttpClient accepts tells them apart.
        $server = Start-TlsServer -Response "HTTP/1.1 200 OK`r`nContent-Length : 2`r`n`r`nok"
        try {
            $uri = "https://127.0.0.1:$($server.Port)/"
            (Invoke-BoundedRequest -Uri $uri -SkipCertificateCheck 3>$null).ErrorKind | Should -Be 'Protocol'
            (Invoke-BoundedRequest -Uri $uri -SkipCertificateCheck -Transport HttpClient 3>$null).ErrorKind | Should -Be 'None'
            # HTTP/1.0 is HttpClient's too.
            (Invoke-BoundedRequest -Uri $uri -SkipCertificateCheck -HttpVersion 1.0 3>$null).ErrorKind | Should -Be 'None'
        }
        finally {
            $server.Dispose()
        }
    }

    It 'give the same results for <Case>' -TestCases @(
        @{ Case = 'a 404'; Response = "HTTP/1.1 404 Not Found`r`nContent-Type: text/plain`r`nContent-Length: 4`r`n`r`nnope" }
        @{ Case = 'a 503 with Retry-After'; Response = "HTTP/1.1 503 Busy`r`nRetry-After: 3`r`nContent-Length: 0`r`n`r`n" }
        @{ Case = 'a chunked body with trailers'; Response = "HTTP/1.1 200 OK`r`nTransfer-Encoding: chunked`r`n`r`n3`r`nabc`r`n0`r`nX-T: 1`r`n`r`n" }
        @{ Case = 'a 204'; Response = "HTTP/1.1 204 No Content`r`n`r`n" }
        @{ Case = 'a Latin-1 body'; Response = "HTTP/1.1 200 OK`r`nContent-Type: text/plain; charset=iso-8859-1`r`nContent-Length: 1`r`n`r`n$([char]0xE9)" }
        @{ Case = 'the request echoed'; Response = "HTTP/1.1 200 OK`r`nContent-Length: {length}`r`n`r`n{echo}"; Echo = $true }
    ) {
        $server = Start-TlsServer -Response $Response
        try {
            $params = @{ Uri = "https://localhost:$($server.Port)/a/b?c=1"; Method = 'POST'; Body = 'payload'; ContentType = 'text/plain'; Headers = @{ 'X-Test' = 'a' }
                IncludeContent = $true; IncludeHeaders = $true; SkipCertificateCheck = $true; UserAgent = 'same' }
            $lean = Invoke-BoundedRequest @params 3>$null
            $plain = Invoke-BoundedRequest @params -Transport HttpClient 3>$null
            $lean.StatusCode | Should -Be $plain.StatusCode
            $lean.Success | Should -Be $plain.Success
            $lean.ErrorKind | Should -Be $plain.ErrorKind
            $lean.Attempts | Should -Be $plain.Attempts
            if ($Echo) {
                # The same request line, Host, headers and body; only the order of header lines may differ.
                $a = $lean.Content -split "`r`n"
                $b = $plain.Content -split "`r`n"
                $a[0] | Should -BeExactly 'POST /a/b?c=1 HTTP/1.1'
                $a[0] | Should -BeExactly $b[0]
                $a[-1] | Should -BeExactly 'payload'
                $a[-1] | Should -BeExactly $b[-1]
                ($a | Where-Object { $_ -like 'Host:*' }) | Should -BeExactly "Host: localhost:$($server.Port)"
                @($a | Sort-Object) | Should -Be @($b | Sort-Object)
            }
            else {
                $lean.BytesReceived | Should -Be $plain.BytesReceived
                $lean.Content | Should -BeExactly $plain.Content
                $lean.Headers['Content-Type'] | Should -Be $plain.Headers['Content-Type']
                $lean.Headers['Retry-After'] | Should -Be $plain.Headers['Retry-After']
            }
        }
        finally {
            $server.Dispose()
        }
    }
}

Describe 'Client certificates (mutual TLS)' {
    BeforeAll {
        $server = Start-TlsServer -RequireClientCertificate
        $uri = "https://127.0.0.1:$($server.Port)/"
    }

    AfterAll {
        $server.Dispose()
    }

    It 'fails without a client certificate on <_>' -ForEach 'Auto', 'HttpClient' {
        $server.ClientCertificates.Clear()
        $r = Invoke-BoundedRequest -Uri $uri -Transport $_ -SkipCertificateCheck 3>$null
        $r.Success | Should -BeFalse
        $r.StatusCode | Should -Be 0
        $r.ErrorKind | Should -BeIn 'Tls', 'ConnectionClosed', 'ConnectionReset'
        @($server.ClientCertificates) | Should -BeNullOrEmpty
    }

    It 'sends -Certificate on <_>' -ForEach 'Auto', 'HttpClient' {
        $server.ClientCertificates.Clear()
        $results = Invoke-BoundedRequest -Uri "${uri}x/{0}" -Count 5 -ThrottleLimit 1 -Transport $_ -SkipCertificateCheck -Certificate $clientCertificate 3>$null
        @($results | Where-Object StatusCode -EQ 200).Count | Should -Be 5
        @($server.ClientCertificates) | Should -Be @('CN=LoadTest Client')
    }

    Context '-CertificateThumbprint, from the CurrentUser\My store' {
        BeforeAll {
            $store = [System.Security.Cryptography.X509Certificates.X509Store]::new('My', 'CurrentUser')
            $store.Open('ReadWrite')
            $store.Add($clientCertificate)
        }

        AfterAll {
            $store.Remove($clientCertificate)
            $store.Dispose()
        }

        It 'sends the certificate of that thumbprint on <_>' -ForEach 'Auto', 'HttpClient' {
            $server.ClientCertificates.Clear()
            $r = Invoke-BoundedRequest -Uri $uri -Transport $_ -SkipCertificateCheck -CertificateThumbprint $clientCertificate.Thumbprint.ToLowerInvariant() 3>$null
            $r.StatusCode | Should -Be 200
            @($server.ClientCertificates) | Should -Be @('CN=LoadTest Client')
        }
    }

    It 'refuses <Case> before the run starts' -TestCases @(
        @{ Case = 'a thumbprint not in the store'; Params = @{ CertificateThumbprint = '00' * 20 }; Id = 'CertificateNotFound' }
        @{ Case = 'a certificate without its private key'; Params = @{ Certificate = 'public' }; Id = 'CertificateWithoutPrivateKey' }
        @{ Case = 'both -Certificate and -CertificateThumbprint'; Params = @{ Certificate = 'full'; CertificateThumbprint = '00' * 20 }; Id = 'CertificateConflict' }
    ) {
        if ($Params.Certificate -eq 'public') { $Params.Certificate = [System.Security.Cryptography.X509Certificates.X509CertificateLoader]::LoadCertificate($clientCertificate.RawData) }
        if ($Params.Certificate -eq 'full') { $Params.Certificate = $clientCertificate }
        $before = $server.Requests
        { Invoke-BoundedRequest -Uri $uri @Params -ErrorAction Stop } | Should -Throw -ErrorId "$Id,LoadTest.Commands.InvokeBoundedRequestCommand"
        $server.Requests | Should -Be $before
    }
}
