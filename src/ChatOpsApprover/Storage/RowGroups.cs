using Npgsql;

namespace ChatOpsApprover.Storage;

/// <summary>Reads rows that belong to a parent (a request's decisions, its confirmations) grouped by the parent's id.</summary>
public static class RowGroups
{
    /// <summary>Runs <paramref name="command"/>, whose first column is the parent id; rows keep the order the query gave.</summary>
    public static async Task<Dictionary<long, IReadOnlyList<T>>> ReadAsync<T>(NpgsqlCommand command, Func<NpgsqlDataReader, T> read)
    {
        var lists = new Dictionary<long, List<T>>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var id = reader.GetInt64(0);
                if (!lists.TryGetValue(id, out var list))
                {
                    lists[id] = list = [];
                }

                list.Add(read(reader));
            }
        }

        return lists.ToDictionary(l => l.Key, l => (IReadOnlyList<T>)l.Value);
    }
}
