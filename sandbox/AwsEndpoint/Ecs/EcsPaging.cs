using System.Text;

namespace AwsEndpoint.Ecs;

/// <summary>Offset paging for the List operations; the token is opaque to clients, as AWS's is.</summary>
public static class EcsPaging
{
    /// <summary>A page of <paramref name="all"/>; without maxResults, <paramref name="pageSize"/> items (the model
    /// documents 100 for most List operations, 10 for ListServices).</summary>
    public static (IReadOnlyList<T> Page, string? NextToken) Page<T>(IReadOnlyList<T> all, string? nextToken, int? maxResults, int pageSize = 100)
    {
        if (maxResults is < 1 or > 100)
            throw EcsErrors.InvalidParameter("maxResults must be between 1 and 100.");
        var offset = 0;
        if (nextToken is not null)
        {
            try { offset = int.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(nextToken)).TrimStart('o')); }
            catch (FormatException) { throw EcsErrors.InvalidParameter("Invalid nextToken."); }
        }
        var limit = maxResults ?? pageSize;
        var next = offset + limit < all.Count ? Convert.ToBase64String(Encoding.UTF8.GetBytes("o" + (offset + limit))) : null;
        return (all.Skip(offset).Take(limit).ToList(), next);
    }
}
