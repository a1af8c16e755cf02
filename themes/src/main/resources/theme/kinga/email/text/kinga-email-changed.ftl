<#ftl output_format="plainText">
${msg("kingaEmailChangedBody", realmName, newAddress)}
