/** The console's entry: defines <dx-app> (index.html holds one). */
import "./app.ts";
