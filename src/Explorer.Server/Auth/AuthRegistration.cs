using Explorer.Graph;
using Explorer.Server.Infrastructure;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Explorer.Server.Auth;

/// <summary>
/// Accounts and roles: a cookie for browsers, bearer tokens for scripts, one policy scheme choosing between
/// them, role policies, the anonymous-read rule, antiforgery for cookie-signed-in writes, the sign-in
/// throttle and the first-run admin.
/// </summary>
internal static class AuthRegistration
{
    public const string AntiforgeryHeader = "X-XSRF-TOKEN";

    public static IServiceCollection AddExplorerAuth(this IServiceCollection services)
    {
        services.AddOptions<AuthOptions>()
            .BindConfiguration(AuthOptions.Section)
            .Validate(o => Enum.IsDefined(o.AnonymousReads), $"{AuthOptions.Section}:AnonymousReads must be one of: {string.Join(", ", Enum.GetNames<AnonymousReads>())}.")
            .Validate(o => o.SignInFailureLimit > 0, $"{AuthOptions.Section}:SignInFailureLimit must be at least 1.")
            .Validate(o => o.SignInFailureWindow > TimeSpan.Zero, $"{AuthOptions.Section}:SignInFailureWindow must be positive.")
            .Validate(o => o.SignInBackoff > TimeSpan.Zero && o.SignInBackoffLimit >= o.SignInBackoff, $"{AuthOptions.Section}:SignInBackoff must be positive and SignInBackoffLimit at least as long.")
            .Validate(o => o.SessionCheckInterval > TimeSpan.Zero && o.SessionCheckInterval <= TimeSpan.FromMinutes(1), $"{AuthOptions.Section}:SessionCheckInterval must be positive and at most a minute.")
            .Validate(o => o.AllowedOrigins.All(SiteOrigins.IsOrigin), $"{AuthOptions.Section}:AllowedOrigins must hold origins like https://explorer.example.org (scheme, host and port only).")
            .Validate(o => o.SessionLifetime > TimeSpan.Zero, $"{AuthOptions.Section}:SessionLifetime must be positive.")
            .ValidateOnStart();

        services.TryAddTimeProvider();
        services.AddSingleton<SignInThrottle>();
        services.AddSingleton<Sessions>();
        services.AddSingleton<ListenerGuard>();
        services.AddHostedService(sp => sp.GetRequiredService<ListenerGuard>());
        services.Configure<HubOptions>(options => options.AddFilter<ListenerGuard>());
        services.AddSingleton<FirstRunLink>();

        // Created with the other hosted services, before the host validates options on start: bad auth or
        // rate-limit settings stop startup with one line, like the rest of Explorer's configuration.
        services.AddHostedService(sp =>
        {
            sp.Settings<AuthOptions>();
            sp.Settings<RateLimitOptions>();
            return ActivatorUtilities.CreateInstance<FirstRun>(sp);
        });

        services.AddAuthentication(AuthSchemes.Default)
            .AddPolicyScheme(AuthSchemes.Default, "Cookie or bearer token", options =>
                options.ForwardDefaultSelector = context =>
                    context.Request.Headers.Authorization.Count > 0 || BearerTokenHandler.ReadToken(context.Request, out _) is not null
                        ? AuthSchemes.Bearer
                        : AuthSchemes.Cookie)
            .AddCookie(AuthSchemes.Cookie)
            .AddScheme<AuthenticationSchemeOptions, BearerTokenHandler>(AuthSchemes.Bearer, null);
        services.AddOptions<CookieAuthenticationOptions>(AuthSchemes.Cookie).Configure<IOptions<AuthOptions>>(ConfigureCookie);

        services.AddSingleton<IAuthorizationHandler, ReadAccessHandler>();
        services.AddAuthorizationBuilder()
            .AddPolicy(AuthPolicies.Viewer, policy => policy.AddRequirements(new ReadAccessRequirement()))
            .AddPolicy(AuthPolicies.Analyst, policy => policy.RequireAuthenticatedUser().RequireRole(Roles.Analyst, Roles.Admin))
            .AddPolicy(AuthPolicies.Admin, policy => policy.RequireAuthenticatedUser().RequireRole(Roles.Admin))
            .AddPolicy(AuthPolicies.SignedIn, policy => policy.RequireAuthenticatedUser());

        services.AddAntiforgery(options =>
        {
            options.HeaderName = AntiforgeryHeader;
            options.Cookie.Name = "explorer.xsrf";
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });

        // Sign-in cookies, antiforgery and bookmark tokens are encrypted with data protection keys; kept in
        // Explorer:KeysPath or beside the database, they survive restarts (and container rebuilds with a data
        // volume), so sessions do too, and instances sharing the folder accept each other's.
        services.AddDataProtection().SetApplicationName("Explorer");
        services.AddOptions<KeyManagementOptions>().Configure<IOptions<ExplorerOptions>, ILoggerFactory>((options, explorer, loggers) =>
        {
            if (explorer.Value.KeysPath is { Length: > 0 } keys)
            {
                options.XmlRepository = new FileSystemXmlRepository(KeysFolder(Path.GetFullPath(keys)), loggers);
            }
            else if (explorer.Value.Store == StoreKind.Embedded && Path.GetDirectoryName(explorer.Value.DatabaseFullPath()) is { Length: > 0 } folder)
            {
                options.XmlRepository = new FileSystemXmlRepository(KeysFolder(Path.Combine(folder, "keys")), loggers);
            }
        });

        return services;
    }

    /// <summary>The live channel's Origin check, authentication, authorization, the per-user write limit, then the antiforgery check.</summary>
    public static IApplicationBuilder UseExplorerAuth(this IApplicationBuilder app)
    {
        app.Use(SiteOrigins.RefuseForeignHubOrigins);
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.Use(RequireAntiforgeryForCookieWrites);
        return app;
    }

    private static void ConfigureCookie(CookieAuthenticationOptions options, IOptions<AuthOptions> auth)
    {
        options.Cookie.Name = AuthSchemes.CookieName;
        options.Cookie.HttpOnly = true;
        options.Cookie.SameSite = SameSiteMode.Strict;
        options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        options.ExpireTimeSpan = auth.Value.SessionLifetime;
        options.SlidingExpiration = true;
        options.Events = new CookieAuthenticationEvents
        {
            // An API never redirects to a login page: 401 and 403 are problems.
            OnRedirectToLogin = context =>
            {
                context.Response.Headers.WWWAuthenticate = "Bearer";
                return context.HttpContext.WriteProblemAsync(StatusCodes.Status401Unauthorized, "Unauthorized", AuthProblems.SignInDetail);
            },
            OnRedirectToAccessDenied = context =>
                context.HttpContext.WriteProblemAsync(StatusCodes.Status403Forbidden, "Forbidden", AuthProblems.ForbiddenDetail(context.HttpContext.User)),
            OnValidatePrincipal = ValidateSessionAsync,
        };
    }

    /// <summary>
    /// Every request checks the session against its user (read from the store at most once per
    /// <see cref="AuthOptions.SessionCheckInterval"/>): a disabled or unknown user, or a security stamp that
    /// changed since sign-in (sign-out, new password, new role, disabling), ends it.
    /// </summary>
    private static async Task ValidateSessionAsync(CookieValidatePrincipalContext context)
    {
        var sessions = context.HttpContext.RequestServices.GetRequiredService<Sessions>();
        if (context.Principal is null || !await sessions.StandsAsync(context.Principal, context.HttpContext.RequestAborted))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(AuthSchemes.Cookie);
        }
    }

    /// <summary>
    /// A browser signed in by cookie must prove a state-changing API request comes from Explorer's own page:
    /// header X-XSRF-TOKEN with the token from GET /api/auth/antiforgery. Bearer requests carry no ambient
    /// credentials and are exempt; so is the sign-in itself.
    /// </summary>
    private static async Task RequireAntiforgeryForCookieWrites(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method) && !HttpMethods.IsOptions(request.Method)
            && request.Path.StartsWithSegments("/api")
            && !request.Path.StartsWithSegments("/api/auth/login")
            && request.Headers.Authorization.Count == 0
            && context.User.IsSignedIn())
        {
            var antiforgery = context.RequestServices.GetRequiredService<IAntiforgery>();
            if (!await antiforgery.IsRequestValidAsync(context))
            {
                await context.WriteProblemAsync(
                    StatusCodes.Status400BadRequest,
                    "Antiforgery token missing or invalid",
                    $"Requests that change something with a sign-in cookie must send the header {AntiforgeryHeader} with the token from GET /api/auth/antiforgery.");
                return;
            }
        }

        await next(context);
    }

    /// <summary>
    /// The data protection keys sign and encrypt every session: a folder only the owner may enter. When it
    /// cannot be made here, the store's start explains why (the folder is the database's).
    /// </summary>
    private static DirectoryInfo KeysFolder(string path)
    {
        const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        try
        {
            if (OperatingSystem.IsWindows())
            {
                return Directory.CreateDirectory(path);
            }

            var folder = Directory.CreateDirectory(path, OwnerOnly);
            if ((folder.UnixFileMode & ~OwnerOnly) != 0)
            {
                folder.UnixFileMode = OwnerOnly;
            }

            return folder;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new DirectoryInfo(path);
        }
    }

    private static void TryAddTimeProvider(this IServiceCollection services)
    {
        if (!services.Any(d => d.ServiceType == typeof(TimeProvider)))
        {
            services.AddSingleton(TimeProvider.System);
        }
    }
}
