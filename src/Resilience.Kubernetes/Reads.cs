using System;
using System.Net;
using System.Threading.Tasks;

namespace Resilience.Kubernetes
{
    /// <summary>
    /// A GET by name that answers like the search it replaces: <c>list.Items.FirstOrDefault(p =&gt; p.Metadata.Name == name)</c>
    /// returns null when nothing has that name, where <c>Read…Async(name, …)</c> throws (404 Not Found). The RES1002 fix
    /// turns the list-and-search into this (one object from the API server instead of every object of the namespace).
    /// </summary>
    public static class Reads
    {
        /// <summary>
        /// <paramref name="read"/>(<paramref name="name"/>), or null when the object does not exist (404) — and, without a
        /// request, when <paramref name="name"/> is null or empty: no object has that name (and an empty name would turn
        /// the GET into a LIST of the collection).
        /// </summary>
        public static async Task<T?> ReadOrNullAsync<T>(string? name, Func<string, Task<T>> read)
            where T : class
        {
            if (read is null)
            {
                throw new ArgumentNullException(nameof(read));
            }

            if (string.IsNullOrEmpty(name))
            {
                return null;
            }

            try
            {
                return await read(name!).ConfigureAwait(false);
            }
            catch (Exception e) when (ApiErrors.StatusCode(e) == (int)HttpStatusCode.NotFound)
            {
                return null;
            }
        }
    }
}
