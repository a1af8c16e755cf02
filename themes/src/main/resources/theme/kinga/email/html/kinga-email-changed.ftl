<#import "template.ftl" as layout>
<@layout.emailLayout>
${kcSanitize(msg("kingaEmailChangedBodyHtml", realmName, newAddress))?no_esc}
</@layout.emailLayout>
