using System.CommandLine;
using Explorer.Embedded;

namespace Explorer.Cli.Commands;

/// <summary>
/// <c>explorer backup PATH</c> and <c>explorer restore PATH</c> for the embedded store. A backup is taken with
/// SQLite's online backup while the server runs (a consistent copy as of one commit) and carries the index
/// snapshot along when there is one. A restore refuses while a server holds the database, and keeps the
/// database it replaces beside it.
/// </summary>
internal static class BackupCommands
{
    public static Command CreateBackup(Cli cli)
    {
        var path = new Argument<string>("PATH") { Description = "The backup file to write (must not exist yet)." };
        var command = new Command("backup", "Copy the embedded database consistently, also while the server runs.") { path };
        cli.HelpNotes[command] = """
            Backup:
              Uses SQLite's online backup: the copy is the database as of one commit, checked with
              PRAGMA integrity_check; writes on a running server go on meanwhile. The index snapshot next
              to the database (<db>.index) is copied along when it matches the copy's change log (it is
              copied first, so it always does unless it is damaged); restore puts it back with the database.
              Restore with `explorer restore PATH` (server stopped).
            """;
        command.SetAction(cli.Action(async (session, parse, cancellationToken) =>
        {
            RefuseNeo4j(session, "backup");
            var report = await EmbeddedBackup.BackupAsync(session.DatabasePath, parse.GetValue(path)!, cancellationToken);
            await session.Out.WriteLineAsync($"backed up {Path.GetFullPath(session.DatabasePath)} to {report.Database} ({report.Bytes:N0} bytes, through change {report.LastSeq})");
            foreach (var file in report.CopiedAlong)
            {
                await session.Out.WriteLineAsync($"copied along {file}");
            }

            if (report.SnapshotLeftOut is { } why)
            {
                await session.Out.WriteLineAsync($"left out the index snapshot: {why}");
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    public static Command CreateRestore(Cli cli)
    {
        var path = new Argument<string>("PATH") { Description = "A backup made by `explorer backup`." };
        var command = new Command("restore", "Put a backup in place of the embedded database (refused while a server runs on it).") { path };
        command.SetAction(cli.Action(async (session, parse, cancellationToken) =>
        {
            RefuseNeo4j(session, "restore");
            try
            {
                var (report, setAside) = await EmbeddedBackup.RestoreAsync(parse.GetValue(path)!, session.DatabasePath, cancellationToken);
                if (setAside is not null)
                {
                    await session.Out.WriteLineAsync($"kept the previous database as {setAside}");
                }

                await session.Out.WriteLineAsync($"restored {report.Database} from {Path.GetFullPath(parse.GetValue(path)!)} ({report.Bytes:N0} bytes, through change {report.LastSeq})");
                foreach (var file in report.CopiedAlong)
                {
                    await session.Out.WriteLineAsync($"copied along {file}");
                }

                if (report.SnapshotLeftOut is { } why)
                {
                    await session.Out.WriteLineAsync($"left out the index snapshot: {why}");
                }

                return ExitCodes.Ok;
            }
            catch (DatabaseInUseException ex)
            {
                throw new CliException(ExitCodes.StoreError, ex.Message);
            }
            catch (InvalidDataException ex)
            {
                throw new CliException(ExitCodes.InvalidInput, $"{parse.GetValue(path)} is not a usable backup: {ex.Message}");
            }
            catch (FileNotFoundException ex)
            {
                throw new CliException(ExitCodes.NotFound, ex.Message);
            }
        }));
        return command;
    }

    private static void RefuseNeo4j(Session session, string verb)
    {
        if (session.UsesNeo4j)
        {
            throw new CliException(ExitCodes.InvalidInput, $"{verb} is for the embedded store; back up Neo4j with neo4j-admin (see the README)");
        }
    }
}
